#!/bin/sh
# container.sh ROOTFS [COMMAND...] (reference solution): new PID, mount and UTS namespaces, chroot,
# a fresh /proc, then COMMAND as PID 1.
root=${1:?usage: container.sh ROOTFS [COMMAND...]}
shift
[ $# -gt 0 ] || set -- /bin/sh
exec unshare --pid --fork --mount --uts --propagation private -- \
  chroot "$root" /bin/sh -c 'mount -t proc proc /proc && hostname container && exec "$@"' sh "$@"
