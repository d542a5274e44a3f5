// Reference solution of the module-locking lab (used by the test suite).
#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#define RING_SIZE 4096
#define MAX_RECORD 64

static struct {
	spinlock_t lock;	/* protects ring, head and writes */
	char ring[RING_SIZE];
	size_t head;
	u64 writes;
	atomic64_t bytes;
} bridge;

static void prepare_record(char *rec, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rec[i] = toupper(rec[i]);
	usleep_range(20, 40);
}

static ssize_t locking_lab_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char rec[MAX_RECORD];
	size_t n = min_t(size_t, len, MAX_RECORD), i;

	if (copy_from_user(rec, ubuf, n))
		return -EFAULT;
	prepare_record(rec, n);		/* may sleep: before the lock */

	spin_lock(&bridge.lock);
	for (i = 0; i < n; i++)
		bridge.ring[(bridge.head + i) % RING_SIZE] = rec[i];
	bridge.head = (bridge.head + n) % RING_SIZE;
	bridge.writes++;
	spin_unlock(&bridge.lock);

	atomic64_add(n, &bridge.bytes);	/* needs no lock */
	return n;
}

static ssize_t locking_lab_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	static char snap[RING_SIZE];
	size_t i;

	if (*ppos == 0) {
		spin_lock(&bridge.lock);
		for (i = 0; i < RING_SIZE; i++)
			snap[i] = bridge.ring[(bridge.head + i) % RING_SIZE];
		spin_unlock(&bridge.lock);
	}
	return simple_read_from_buffer(ubuf, len, ppos, snap, RING_SIZE);
}

static int locking_lab_show(struct seq_file *m, void *v)
{
	u64 writes;

	spin_lock(&bridge.lock);
	writes = bridge.writes;
	spin_unlock(&bridge.lock);
	seq_printf(m, "writes %llu\nbytes %lld\n", writes, (long long)atomic64_read(&bridge.bytes));
	return 0;
}

static const struct file_operations locking_lab_fops = {
	.owner = THIS_MODULE,
	.read = locking_lab_read,
	.write = locking_lab_write,
};

static struct miscdevice locking_lab_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "locking_lab",
	.fops = &locking_lab_fops,
	.mode = 0666,
};

static struct proc_dir_entry *proc;

static int __init locking_lab_init(void)
{
	int err;

	spin_lock_init(&bridge.lock);
	proc = proc_create_single("locking_lab", 0444, NULL, locking_lab_show);
	if (!proc)
		return -ENOMEM;
	err = misc_register(&locking_lab_dev);
	if (err)
		proc_remove(proc);
	return err;
}

static void __exit locking_lab_exit(void)
{
	misc_deregister(&locking_lab_dev);
	proc_remove(proc);
}

module_init(locking_lab_init);
module_exit(locking_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: a spinlock and atomics around shared state");
