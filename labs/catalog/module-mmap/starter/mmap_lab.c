// mmap_lab: share a kernel buffer with user space without copying (see STEPS.md). /dev/mmap_lab has
// a 16 KiB buffer the module fills; read() copies it out, mmap() should map it in. It builds as is;
// mmap is the TODO.
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

#define BUF_ORDER 2				/* 2^2 pages */
#define BUF_SIZE (PAGE_SIZE << BUF_ORDER)	/* 16 KiB, physically contiguous */

static char *buf;

/* read() copies the buffer out (what mmap lets you skip): the checker uses it to see your writes. */
static ssize_t mmap_lab_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, buf, BUF_SIZE);
}

static int mmap_lab_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	/*
	 * TODO:
	 * 1. Refuse a mapping that does not fit in the buffer: vma->vm_pgoff (the offset, in pages) plus
	 *    size must be at most BUF_SIZE; return -EINVAL otherwise.
	 * 2. Map the buffer's page frames into the process with remap_pfn_range(vma, vma->vm_start,
	 *    pfn, size, vma->vm_page_prot), where pfn is the buffer's first page frame number
	 *    (virt_to_phys(buf) >> PAGE_SHIFT) plus vma->vm_pgoff. Return its result.
	 */
	pr_info("mmap_lab: mmap of %lu bytes refused: not implemented\n", size);
	return -ENODEV;
}

static const struct file_operations mmap_lab_fops = {
	.owner = THIS_MODULE,
	.read = mmap_lab_read,
	.mmap = mmap_lab_mmap,
	.llseek = default_llseek,
};

static struct miscdevice mmap_lab_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mmap_lab",
	.fops = &mmap_lab_fops,
	.mode = 0666,
};

static int __init mmap_lab_init(void)
{
	int i, err;

	buf = (char *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, BUF_ORDER);
	if (!buf)
		return -ENOMEM;
	/* Each page starts with a line saying which page it is. */
	for (i = 0; i < (1 << BUF_ORDER); i++)
		snprintf(buf + i * PAGE_SIZE, 64, "mmap_lab page %d: hello from the kernel\n", i);
	err = misc_register(&mmap_lab_dev);
	if (err) {
		free_pages((unsigned long)buf, BUF_ORDER);
		return err;
	}
	pr_info("mmap_lab: buffer at phys %llx\n", (unsigned long long)virt_to_phys(buf));
	return 0;
}

static void __exit mmap_lab_exit(void)
{
	misc_deregister(&mmap_lab_dev);
	free_pages((unsigned long)buf, BUF_ORDER);
}

module_init(mmap_lab_init);
module_exit(mmap_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: mmap a kernel buffer into user space");
