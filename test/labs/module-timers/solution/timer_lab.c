// Reference solution of the module-timers lab (used by the test suite).
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include <linux/timer.h>

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "timer period in milliseconds (10-10000)");

static struct timer_list timer;
static atomic_t ticks = ATOMIC_INIT(0);
static struct kobject *kobj;

static void timer_lab_fire(struct timer_list *t)
{
	atomic_inc(&ticks);
	mod_timer(t, jiffies + msecs_to_jiffies(period_ms));
}

static ssize_t ticks_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&ticks));
}

static struct kobj_attribute ticks_attr = __ATTR_RO(ticks);

static int __init timer_lab_init(void)
{
	int err;

	if (period_ms < 10 || period_ms > 10000)
		return -EINVAL;
	kobj = kobject_create_and_add("timer_lab", kernel_kobj);
	if (!kobj)
		return -ENOMEM;
	err = sysfs_create_file(kobj, &ticks_attr.attr);
	if (err) {
		kobject_put(kobj);
		return err;
	}
	timer_setup(&timer, timer_lab_fire, 0);
	mod_timer(&timer, jiffies + msecs_to_jiffies(period_ms));
	pr_info("timer_lab: ticking every %u ms\n", period_ms);
	return 0;
}

static void __exit timer_lab_exit(void)
{
	del_timer_sync(&timer);
	kobject_put(kobj);
	pr_info("timer_lab: stopped after %d ticks\n", atomic_read(&ticks));
}

module_init(timer_lab_init);
module_exit(timer_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: kernel timers");
