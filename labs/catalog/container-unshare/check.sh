#!/bin/sh
# Checker for the container-unshare lab, run in the guest from the lab folder: builds a root file system
# with mkrootfs.sh, runs commands through container.sh, and checks PID 1, the private /proc and
# hostname, and that no mount leaks into the VM. Restores the VM's hostname and removes every mount and
# file it made. Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-container-unshare
root=$work/rootfs
host_name=$(hostname)
cleanup() {
  hostname "$host_name"
  for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
  rm -rf "$work"
}
cleanup
mkdir -p "$work"
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
# Runs container.sh with a timeout (a container shell waiting for input must not hang the check).
run() { timeout 20 sh ./container.sh "$root" "$@" < /dev/null 2>&1; }

if ! sh ./mkrootfs.sh "$root" > "$work/mkrootfs.log" 2>&1; then
  echo "FAIL rootfs mkrootfs.sh $root failed: $(tail -n1 "$work/mkrootfs.log")"
  why='fix mkrootfs.sh first (objective "rootfs")'; rest pid1 hostname mounts; exit 0
fi
if [ "$(chroot "$root" /bin/sh -c 'echo inside' 2>&1)" != inside ]; then
  echo "FAIL rootfs chroot $root /bin/sh does not run: copy /bin/busybox to ROOTFS/bin/busybox and symlink sh to it (ln -s busybox ROOTFS/bin/sh)"
  why='fix mkrootfs.sh first (objective "rootfs")'; rest pid1 hostname mounts; exit 0
fi
missing=
for app in ps hostname mount; do [ -x "$root/bin/$app" ] || missing="$missing $app"; done
if [ -n "$missing" ]; then
  echo "FAIL rootfs $root/bin lacks:$missing (symlinks to busybox)"
else
  echo "PASS rootfs mkrootfs.sh built a busybox root file system that chroot runs"
fi

out=$(run /bin/sh -c 'echo "pid=$$"; set -- /proc/[0-9]*; [ -e "$1" ] || shift; echo "procs=$#"')
pid=$(printf '%s\n' "$out" | sed -n 's/^pid=//p')
procs=$(printf '%s\n' "$out" | sed -n 's/^procs=//p')
if [ "$pid" = 1 ] && [ -n "$procs" ] && [ "$procs" -ge 1 ] && [ "$procs" -le 3 ]; then
  echo "PASS pid1 the container's shell is PID 1 and its /proc shows $procs process(es)"
elif [ "$pid" = 1 ]; then
  echo "FAIL pid1 the shell is PID 1 but /proc shows ${procs:-no} processes: mount a new proc on /proc inside the container (mount -t proc proc /proc) so it shows the new PID namespace"
elif [ -n "$pid" ]; then
  echo "FAIL pid1 the container's shell is PID $pid, not 1: run it under unshare --pid --fork (without --fork your command stays in the old namespace: only its first child would be PID 1)"
else
  echo "FAIL pid1 container.sh printed no pid: $(printf '%s' "$out" | head -n2 | tr '\n' ' ')"
fi

out=$(run /bin/sh -c 'hostname ring0-box && hostname')
now=$(hostname)
if [ "$now" != "$host_name" ]; then
  echo "FAIL hostname hostname in the container renamed the whole VM to '$now': give it its own UTS namespace (unshare --uts)"
  hostname "$host_name"
elif [ "$(printf '%s\n' "$out" | tail -n1)" = ring0-box ]; then
  echo "PASS hostname the container renamed itself to ring0-box; the VM is still '$host_name'"
else
  echo "FAIL hostname 'hostname ring0-box; hostname' in the container printed '$(printf '%s' "$out" | tail -n1)'"
fi

run /bin/sh -c 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted' > "$work/mount.out"
leaked=$(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | tr '\n' ' ')
if ! grep -q mounted "$work/mount.out"; then
  echo "FAIL mounts mount failed inside the container: $(head -n1 "$work/mount.out")"
elif [ -n "$leaked" ]; then
  echo "FAIL mounts the container's mounts are still in the VM after it exited: $leaked— give it its own mount namespace (unshare --mount --propagation private)"
else
  echo "PASS mounts the container's /proc and tmpfs mounts stayed in its own mount namespace"
fi
