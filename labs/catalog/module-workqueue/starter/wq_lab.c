// wq_lab: deferred work. Each write to /proc/wq_lab is a job that takes 200 ms; the writer should not
// wait for it (see STEPS.md). It builds as is, but runs every job inside write(): the workqueue is
// the TODO.
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

struct wq_lab_job {
	struct work_struct work;	/* embedded: the work function gets &job->work back */
	char name[32];
};

static struct workqueue_struct *wq;
static atomic_t queued = ATOMIC_INIT(0);
static atomic_t completed = ATOMIC_INIT(0);

/* The job: runs in process context, so it may sleep. */
static void wq_lab_job_fn(struct work_struct *work)
{
	struct wq_lab_job *job = container_of(work, struct wq_lab_job, work);

	msleep(200);	/* the slow part: talking to a device, say */
	pr_info("wq_lab: job '%s' done in %s (pid %d)\n", job->name, current->comm, task_pid_nr(current));
	atomic_inc(&completed);
	kfree(job);
}

static ssize_t wq_lab_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct wq_lab_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
	size_t n = min(len, sizeof(job->name) - 1);

	if (!job)
		return -ENOMEM;
	if (copy_from_user(job->name, ubuf, n)) {
		kfree(job);
		return -EFAULT;
	}
	job->name[strcspn(job->name, "\n")] = '\0';
	INIT_WORK(&job->work, wq_lab_job_fn);
	atomic_inc(&queued);
	/* TODO: queue the job on `wq` with queue_work() instead of running it here, in the writer. */
	wq_lab_job_fn(&job->work);
	return len;
}

static int wq_lab_show(struct seq_file *m, void *v)
{
	seq_printf(m, "queued %d\ncompleted %d\n", atomic_read(&queued), atomic_read(&completed));
	return 0;
}

static int wq_lab_open(struct inode *inode, struct file *file)
{
	return single_open(file, wq_lab_show, NULL);
}

static const struct proc_ops wq_lab_ops = {
	.proc_open = wq_lab_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = wq_lab_write,
};

static int __init wq_lab_init(void)
{
	/*
	 * TODO: create the workqueue: wq = alloc_ordered_workqueue("wq_lab", 0) (one job at a time, in
	 * the order queued); return -ENOMEM if it is NULL.
	 */
	(void)wq;
	if (!proc_create("wq_lab", 0666, NULL, &wq_lab_ops))
		return -ENOMEM;
	pr_info("wq_lab: loaded\n");
	return 0;
}

static void __exit wq_lab_exit(void)
{
	remove_proc_entry("wq_lab", NULL);
	/*
	 * TODO: destroy_workqueue(wq): it waits for the queued jobs to finish. Without it, a job still
	 * queued would run after rmmod freed its code.
	 */
	pr_info("wq_lab: unloaded after %d jobs\n", atomic_read(&completed));
}

module_init(wq_lab_init);
module_exit(wq_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: deferred work on a workqueue");
