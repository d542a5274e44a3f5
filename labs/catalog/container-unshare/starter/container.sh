#!/bin/sh
# container.sh ROOTFS [COMMAND...]: runs COMMAND (default /bin/sh) in a "container": chrooted into
# ROOTFS, as PID 1 of its own PID namespace, with its own mount namespace, /proc and hostname.
root=${1:?usage: container.sh ROOTFS [COMMAND...]}
shift
[ $# -gt 0 ] || set -- /bin/sh

# TODO 2: this only changes the root directory: the command still sees every process of the VM
# (once /proc is mounted), shares its mounts, and `hostname x` renames the whole VM. Run chroot under
#   unshare --pid --fork --mount --uts --propagation private -- ...
# and, inside the new root, mount a fresh proc on /proc before exec'ing the command, e.g.
#   chroot "$root" /bin/sh -c 'mount -t proc proc /proc && exec "$@"' sh "$@"
exec chroot "$root" "$@"
