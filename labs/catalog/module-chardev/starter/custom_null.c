// custom_null: a character device like /dev/null that counts what it swallows (see STEPS.md).
// It builds as is; the device and its file operations are TODOs.
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "custom_null.h"

/* Bytes written since load (or the last CUSTOM_NULL_RESET). */
static atomic64_t written = ATOMIC64_INIT(0);

static ssize_t custom_null_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	/* TODO: like /dev/null, a read is always at end of file: return 0 bytes. */
	return -EINVAL;
}

static ssize_t custom_null_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	/* TODO: swallow the data: add len to `written` and report that all len bytes were written. */
	return -EINVAL;
}

static long custom_null_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	/*
	 * TODO: CUSTOM_NULL_GET_COUNT copies the count (a __u64) to the user pointer `arg` with
	 * put_user() or copy_to_user(); CUSTOM_NULL_RESET sets it to 0; any other cmd is -ENOTTY.
	 */
	return -ENOTTY;
}

static const struct file_operations custom_null_fops = {
	.owner = THIS_MODULE,
	.read = custom_null_read,
	.write = custom_null_write,
	.unlocked_ioctl = custom_null_ioctl,
};

/* TODO: a struct miscdevice named "custom_null" (minor MISC_DYNAMIC_MINOR, fops custom_null_fops, mode 0666). */

static int __init custom_null_init(void)
{
	/* TODO: register the misc device with misc_register(); return its error if it fails. */
	pr_info("custom_null: loaded\n");
	return 0;
}

static void __exit custom_null_exit(void)
{
	/* TODO: misc_deregister() it, or /dev/custom_null would outlive the module. */
	pr_info("custom_null: unloaded\n");
}

module_init(custom_null_init);
module_exit(custom_null_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: a character device with read, write and ioctl");
