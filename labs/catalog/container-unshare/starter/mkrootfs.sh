#!/bin/sh
# mkrootfs.sh ROOTFS: builds a minimal root file system for the container in the directory ROOTFS.
set -e
root=${1:?usage: mkrootfs.sh ROOTFS}
mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/etc" "$root/tmp" "$root/root"

# TODO 1: a shell and a few tools inside ROOTFS. /bin/busybox (Debian's busybox-static) is ONE
# statically linked binary that is sh, ls, ps, hostname, mount... depending on the name it is
# started as. Copy it to "$root/bin/busybox", then, in "$root/bin", make a symlink to it (a
# relative one: ln -s busybox NAME — an absolute host path means nothing inside the chroot) for:
# sh ls ps cat echo hostname mount umount mkdir sleep id
