#!/bin/sh
# Ring0 guest /init (busybox sh, PID 1): mounts, virtio drivers, shares, then hands over to stage 2.
# Per-boot settings come from /ring0/config (a second cpio appended to the cached initramfs).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /ring0/config

if [ -n "$R0_PROBE" ]; then
  echo "RING0-PROBE-OK" > /dev/console
  poweroff -f
fi

while read -r m; do
  [ -n "$m" ] || continue
  insmod "/ring0/modules/$m" || echo "ring0: insmod $m failed" > /dev/console
done < /ring0/modules.order

newroot=/
if [ "$R0_HOSTROOT" = 1 ]; then
  mkdir -p /mnt/host /mnt/rw /mnt/root
  if mount -t virtiofs -o ro hostroot /mnt/host; then
    mount -t tmpfs -o mode=0755 rw /mnt/rw
    mkdir -p /mnt/rw/upper /mnt/rw/work
    if mount -t overlay overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /mnt/root; then
      newroot=/mnt/root
    else
      echo "ring0: overlay over the host root failed; staying in the initramfs" > /dev/console
    fi
  else
    echo "ring0: could not mount the host root share; staying in the initramfs" > /dev/console
  fi
fi

if [ "$newroot" != / ]; then
  for d in proc sys dev; do mount --move /$d $newroot/$d; done
fi
# Mounted while /sbin/modprobe is still busybox's: bpffs asks for bpf_preload, and the host's modprobe
# (dynamic, over virtiofs) made that cost ~0.2 s.
mount -t bpf bpf $newroot/sys/fs/bpf
mount -t tracefs tracefs $newroot/sys/kernel/tracing
mount -t debugfs debugfs $newroot/sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs $newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs $newroot/run
mkdir -p $newroot/run/ring0
cp /ring0/ring0-agent /ring0/stage2 /bin/busybox $newroot/run/ring0/

if [ -n "$R0_WORKSPACE" ]; then
  mkdir -p "$newroot$R0_WORKSPACE"
  mount -t virtiofs workspace "$newroot$R0_WORKSPACE" || echo "ring0: could not mount the workspace at $R0_WORKSPACE" > /dev/console
fi
cp /ring0/config $newroot/run/ring0/config

if [ "$newroot" != / ]; then
  exec switch_root $newroot /run/ring0/busybox sh /run/ring0/stage2
fi
exec /run/ring0/busybox sh /run/ring0/stage2
