// Reference solution of the module-hello lab (used by the test suite).
#include <linux/init.h>
#include <linux/module.h>

static int __init hello_lab_init(void)
{
	pr_info("hello_lab: Hello, Ring0\n");
	return 0;
}

static void __exit hello_lab_exit(void)
{
	pr_info("hello_lab: Goodbye, Ring0\n");
}

module_init(hello_lab_init);
module_exit(hello_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: hello, kernel");
