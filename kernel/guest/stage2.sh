#!/run/ring0/busybox sh
# Ring0 guest stage 2 (PID 1 in the final root): kernel file systems, a console shell, and the agent,
# restarted if it ever exits. Runs with the busybox copied to /run/ring0 so the host root needs none.
bb=/run/ring0/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
. /run/ring0/config
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts 2>/dev/null
$bb mount -t tmpfs tmpfs /dev/shm 2>/dev/null
$bb hostname "${R0_HOSTNAME:-ring0}"
$bb ip link set lo up 2>/dev/null
[ -n "$R0_WORKSPACE" ] && cd "$R0_WORKSPACE"

# An interactive shell on the serial console for `ring0 vm console`.
(
  while :; do
    $bb setsid $bb cttyhack $bb sh -l
    $bb sleep 1
  done
) &

while :; do
  /run/ring0/ring0-agent --port-name org.ring0.agent
  echo "ring0: agent exited with status $?; restarting" > /dev/console
  $bb sleep 1
done
