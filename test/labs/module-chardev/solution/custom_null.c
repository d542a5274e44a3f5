// Reference solution of the module-chardev lab (used by the test suite).
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "custom_null.h"

static atomic64_t written = ATOMIC64_INIT(0);

static ssize_t custom_null_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	return 0;
}

static ssize_t custom_null_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	atomic64_add(len, &written);
	return len;
}

static long custom_null_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CUSTOM_NULL_GET_COUNT:
		return put_user((__u64)atomic64_read(&written), (__u64 __user *)arg);
	case CUSTOM_NULL_RESET:
		atomic64_set(&written, 0);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations custom_null_fops = {
	.owner = THIS_MODULE,
	.read = custom_null_read,
	.write = custom_null_write,
	.unlocked_ioctl = custom_null_ioctl,
};

static struct miscdevice custom_null_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "custom_null",
	.fops = &custom_null_fops,
	.mode = 0666,
};

static int __init custom_null_init(void)
{
	int err = misc_register(&custom_null_dev);

	if (err)
		return err;
	pr_info("custom_null: loaded\n");
	return 0;
}

static void __exit custom_null_exit(void)
{
	misc_deregister(&custom_null_dev);
	pr_info("custom_null: unloaded\n");
}

module_init(custom_null_init);
module_exit(custom_null_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: a character device with read, write and ioctl");
