// hello_lab: your first module. It builds as is; make it greet (see steps.md).
#include <linux/init.h>
#include <linux/module.h>

static int __init hello_lab_init(void)
{
	/* TODO: print "hello_lab: Hello, Ring0" with pr_info() */
	return 0;
}

static void __exit hello_lab_exit(void)
{
	/* TODO: print "hello_lab: Goodbye, Ring0" */
}

module_init(hello_lab_init);
module_exit(hello_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: hello, kernel");
