// Reference solution of the module-oops lab (used by the test suite).
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

struct oops_lab_config {
	int version;
	char greeting[64];
};

/* Set up by oops_lab_init, used by every read. */
static struct oops_lab_config *config;

static ssize_t oops_lab_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	char msg[128];
	int n;

	n = scnprintf(msg, sizeof(msg), "oops_lab: %s (version %d)\n", config->greeting, config->version);
	return simple_read_from_buffer(buf, len, ppos, msg, n);
}

static const struct file_operations oops_lab_fops = {
	.owner = THIS_MODULE,
	.read = oops_lab_read,
};

static struct miscdevice oops_lab_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "oops_lab",
	.fops = &oops_lab_fops,
	.mode = 0444,
};

static int __init oops_lab_init(void)
{
	int err;

	/* The bug was a local `config` here that shadowed the global one, which stayed NULL. */
	config = kzalloc(sizeof(*config), GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	config->version = 1;
	strscpy(config->greeting, "hello from a configured module", sizeof(config->greeting));

	err = misc_register(&oops_lab_dev);
	if (err) {
		kfree(config);
		return err;
	}
	pr_info("oops_lab: loaded\n");
	return 0;
}

static void __exit oops_lab_exit(void)
{
	misc_deregister(&oops_lab_dev);
	kfree(config);
	pr_info("oops_lab: unloaded\n");
}

module_init(oops_lab_init);
module_exit(oops_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: read an oops and fix the bug");
