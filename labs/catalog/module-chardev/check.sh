#!/bin/sh
# Checker for the module-chardev lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
dev=/dev/custom_null
t=/tmp/r0-chardev
rm -rf $t; mkdir -p $t
rmmod custom_null 2>/dev/null
if ! insmod custom_null.ko 2>$t/insmod.err; then
  for o in device read write ioctl unloads; do echo "FAIL $o insmod custom_null.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
# The guest mounts devtmpfs, so a misc device gets its node by itself; make it by hand if /dev is static.
if [ ! -e $dev ] && [ -r /sys/class/misc/custom_null/dev ]; then
  mm=$(cat /sys/class/misc/custom_null/dev)
  mknod $dev c "${mm%%:*}" "${mm##*:}" && made=1
fi
if [ ! -c $dev ]; then
  for o in device read write ioctl unloads; do echo "FAIL $o there is no $dev after insmod: fill in the struct miscdevice (name \"custom_null\") and misc_register() it in custom_null_init"; done
  rmmod custom_null 2>/dev/null
  exit 0
fi
echo "PASS device $dev is a character device ($(cat /sys/class/misc/custom_null/dev 2>/dev/null))"

# A tiny user program: read, write in chunks, and the ioctls, each checked by its return value.
cat > $t/t.c <<'C'
#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#define GET_COUNT _IOR('N', 1, __u64)
#define RESET _IO('N', 2)
int main(void)
{
	char buf[4096];
	int fd = open("/dev/custom_null", O_RDWR);
	if (fd < 0) { printf("FAIL read open /dev/custom_null: %s\n", strerror(errno)); return 0; }
	ssize_t r = read(fd, buf, sizeof buf);
	if (r == 0) printf("PASS read read() returns 0 (end of file), like /dev/null\n");
	else if (r < 0) printf("FAIL read read() failed with %s: custom_null_read should return 0 (end of file)\n", strerror(errno));
	else printf("FAIL read read() returned %zd bytes: custom_null_read should return 0 (end of file)\n", r);
	if (ioctl(fd, RESET) != 0) printf("INFO reset ioctl failed: %s\n", strerror(errno));
	memset(buf, 'x', sizeof buf);
	long total = 0, bad = 0;
	for (int i = 1; i <= 10; i++) {
		ssize_t w = write(fd, buf, 100 * i);
		if (w != 100 * i) { bad = w < 0 ? -errno : w; break; }
		total += w;
	}
	if (bad == 0) printf("PASS write 10 writes of 100..1000 bytes each reported every byte written (%ld)\n", total);
	else if (bad < 0) printf("FAIL write write() failed with %s: custom_null_write should return len\n", strerror((int)-bad));
	else printf("FAIL write write() returned %ld instead of the full length: custom_null_write should return len\n", bad);
	__u64 n = 12345;
	if (ioctl(fd, GET_COUNT, &n) != 0) printf("FAIL ioctl CUSTOM_NULL_GET_COUNT failed with %s: handle it in custom_null_ioctl with put_user()\n", strerror(errno));
	else if (n != (__u64)total || total == 0) printf("FAIL ioctl CUSTOM_NULL_GET_COUNT says %llu bytes after %ld were written (after a CUSTOM_NULL_RESET): add len to the count in custom_null_write, set it to 0 on CUSTOM_NULL_RESET\n", (unsigned long long)n, total);
	else if (ioctl(fd, RESET) != 0 || ioctl(fd, GET_COUNT, &n) != 0 || n != 0) printf("FAIL ioctl CUSTOM_NULL_RESET did not set the count back to 0 (count now %llu)\n", (unsigned long long)n);
	else if (ioctl(fd, _IO('N', 99)) == 0 || errno != ENOTTY) printf("FAIL ioctl an unknown ioctl should fail with ENOTTY\n");
	else printf("PASS ioctl CUSTOM_NULL_GET_COUNT returned %ld, RESET cleared it, unknown commands get ENOTTY\n", total);
	close(fd);
	return 0;
}
C
if cc -O1 -o $t/t $t/t.c 2>$t/cc.err; then
  $t/t
else
  echo "FAIL ioctl the checker's test program did not compile in the guest: $(head -3 $t/cc.err)"
fi
if ! rmmod custom_null 2>$t/rmmod.err; then
  echo "FAIL unloads rmmod custom_null failed: $(cat $t/rmmod.err)"
elif [ -n "$made" ]; then
  rm -f $dev
  echo "PASS unloads rmmod worked"
elif [ -e $dev ]; then
  echo "FAIL unloads $dev is still there after rmmod: misc_deregister() the device in custom_null_exit"
else
  echo "PASS unloads rmmod worked and $dev is gone"
fi
rm -rf $t
