// params_lab: a module with parameters (see steps.md). It builds as is; the parameters are TODOs.
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int count = 1;
/* TODO: make `count` a module parameter readable in sysfs (module_param, 0444) */

/* TODO: add a charp parameter `name`, default "world" */

static int __init params_lab_init(void)
{
	/* TODO: print "params_lab: hello <name>" count times */
	pr_info("params_lab: loaded (count=%d)\n", count);
	return 0;
}

static void __exit params_lab_exit(void)
{
}

module_init(params_lab_init);
module_exit(params_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: module parameters");
