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

# The agent is restarted if it exits, but not forever: after 3 exits within 10 s of their start (a kernel
# without signalfd, a missing port) the host is told, with the agent's last stderr, and gets no more tries.
quick=0
while :; do
  started=$($bb date +%s)
  /run/ring0/ring0-agent --port-name org.ring0.agent 2>/run/ring0/agent.err
  st=$?
  $bb tail -n 5 /run/ring0/agent.err | while IFS= read -r l; do echo "ring0-agent-stderr: $l"; done > /dev/console
  if [ $(( $($bb date +%s) - started )) -lt 10 ]; then quick=$((quick + 1)); else quick=0; fi
  if [ "$quick" -ge 3 ]; then
    echo "RING0-AGENT-GAVE-UP status=$st exits=$quick" > /dev/console
    exec $bb sleep 2147483647
  fi
  echo "ring0: agent exited with status $st; restarting" > /dev/console
  $bb sleep 1
done
