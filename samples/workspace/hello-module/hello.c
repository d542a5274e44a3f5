// hello: the sample kernel module. Load it with 'ring0 load hello.ko'; `dmesg` shows its greeting.
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static char *whom = "world";
module_param(whom, charp, 0444);
MODULE_PARM_DESC(whom, "who to greet");

static int __init hello_init(void)
{
	pr_info("hello: hello, %s\n", whom);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("hello: goodbye, %s\n", whom);
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Ring0");
MODULE_DESCRIPTION("hello: the Ring0 sample module");
