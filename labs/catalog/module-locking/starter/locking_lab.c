// locking_lab: a shared-memory bridge that many processes write to at once (see STEPS.md). Every
// write() is one record: prepared (slowly), appended to a shared ring buffer, counted. The starter
// is racy: concurrent writers lose updates. Make it safe with a spinlock and an atomic counter.
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

/* The shared state: every writer updates it. */
static struct {
	/* TODO: a spinlock_t that protects ring, head and writes */
	char ring[RING_SIZE];	/* the last RING_SIZE bytes written, as a ring */
	size_t head;		/* where the next record goes */
	u64 writes;		/* records written */
	u64 bytes;		/* TODO: make this an atomic64_t and use atomic64_add / atomic64_read */
} bridge;

/*
 * The "device" prepares a record before it is published: it upper-cases it, and takes its time
 * (think of a slow checksum or an encryption step). It may sleep, so it must never run with a
 * spinlock held. It only touches the caller's private copy.
 */
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
	size_t n = min_t(size_t, len, MAX_RECORD), head, i;
	u64 writes;

	if (copy_from_user(rec, ubuf, n))
		return -EFAULT;

	/*
	 * RACE: this reads the shared state, sleeps in prepare_record() while other writers run and
	 * update it, then writes back values computed from the stale copy. Their updates are lost.
	 * TODO: prepare the record first, outside any lock; then do the whole read-modify-write of
	 * ring, head and writes under spin_lock(&bridge.lock) ... spin_unlock(&bridge.lock).
	 */
	head = bridge.head;
	writes = bridge.writes;
	prepare_record(rec, n);
	for (i = 0; i < n; i++)
		bridge.ring[(head + i) % RING_SIZE] = rec[i];
	bridge.head = (head + n) % RING_SIZE;
	bridge.writes = writes + 1;
	bridge.bytes += n;
	return n;
}

/* read() returns the ring, oldest byte first. */
static ssize_t locking_lab_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	static char snap[RING_SIZE];	/* only one reader at a time: the checker */
	size_t i;

	if (*ppos == 0) {
		/* TODO: take the lock while copying, so a concurrent writer cannot tear the snapshot */
		for (i = 0; i < RING_SIZE; i++)
			snap[i] = bridge.ring[(bridge.head + i) % RING_SIZE];
	}
	return simple_read_from_buffer(ubuf, len, ppos, snap, RING_SIZE);
}

static int locking_lab_show(struct seq_file *m, void *v)
{
	seq_printf(m, "writes %llu\nbytes %llu\n", bridge.writes, bridge.bytes);
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

	/* TODO: spin_lock_init(&bridge.lock) */
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
