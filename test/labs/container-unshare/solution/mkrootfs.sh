#!/bin/sh
# mkrootfs.sh ROOTFS (reference solution): a static busybox and relative symlinks for a few applets.
set -e
root=${1:?usage: mkrootfs.sh ROOTFS}
mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/etc" "$root/tmp" "$root/root"
cp /bin/busybox "$root/bin/busybox"
for app in sh ls ps cat echo hostname mount umount mkdir sleep id; do
  ln -sf busybox "$root/bin/$app"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
