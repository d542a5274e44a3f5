// timer_lab: a kernel timer that ticks every period_ms, its count in /sys/kernel/timer_lab/ticks
// (see STEPS.md). It builds as is: the timer fires once, and the sysfs file is a TODO.
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

/* Runs in softirq context when the timer expires: it must not sleep. */
static void timer_lab_fire(struct timer_list *t)
{
	atomic_inc(&ticks);
	/* TODO: re-arm the timer for period_ms from now: mod_timer(t, jiffies + msecs_to_jiffies(period_ms)) */
}

/* cat /sys/kernel/timer_lab/ticks */
static ssize_t ticks_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&ticks));
}

static struct kobj_attribute ticks_attr = __ATTR_RO(ticks);

static int __init timer_lab_init(void)
{
	if (period_ms < 10 || period_ms > 10000)
		return -EINVAL;
	/*
	 * TODO: make /sys/kernel/timer_lab/ticks: kobj = kobject_create_and_add("timer_lab", kernel_kobj)
	 * (NULL means -ENOMEM), then sysfs_create_file(kobj, &ticks_attr.attr) (on error, kobject_put
	 * the kobject and return the error). Drop it in timer_lab_exit with kobject_put(kobj).
	 */
	(void)ticks_attr;
	(void)kobj;

	timer_setup(&timer, timer_lab_fire, 0);
	mod_timer(&timer, jiffies + msecs_to_jiffies(period_ms));
	pr_info("timer_lab: ticking every %u ms\n", period_ms);
	return 0;
}

static void __exit timer_lab_exit(void)
{
	/*
	 * Waits for a running callback and makes sure the timer is not pending: after rmmod, a pending
	 * timer would call timer_lab_fire in freed module memory and crash the kernel.
	 */
	del_timer_sync(&timer);
	pr_info("timer_lab: stopped after %d ticks\n", atomic_read(&ticks));
}

module_init(timer_lab_init);
module_exit(timer_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: kernel timers");
