// Reference solution of the module-params lab (used by the test suite).
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "how many times to greet");

static char *name = "world";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "whom to greet");

static int __init params_lab_init(void)
{
	int i;

	for (i = 0; i < count; i++)
		pr_info("params_lab: hello %s\n", name);
	return 0;
}

static void __exit params_lab_exit(void)
{
}

module_init(params_lab_init);
module_exit(params_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: module parameters");
