// memory_lab: where kernel memory lives. kmalloc and alloc_pages, their virtual and physical
// addresses, shown in /proc/memory_lab (see STEPS.md). It builds as is; the page allocation and the
// physical addresses are TODOs.
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

static unsigned int order = 2;
module_param(order, uint, 0444);
MODULE_PARM_DESC(order, "allocate 2^order contiguous pages with alloc_pages (0-10)");

#define KBUF_SIZE 100

static void *kbuf;		/* from kmalloc */
static struct page *pages;	/* from alloc_pages */
static struct proc_dir_entry *proc;

static int memory_lab_show(struct seq_file *m, void *v)
{
	phys_addr_t kphys = 0;	/* TODO: the physical address of kbuf: virt_to_phys() */
	void *pvirt = NULL;	/* TODO: the kernel virtual address of `pages`: page_address() */
	phys_addr_t pphys = 0;	/* TODO: the physical address of `pages`: page_to_phys() */
	unsigned long pfn = 0;	/* TODO: its page frame number: page_to_pfn() */

	/* %px prints a pointer's real value (plain %p prints a hash, to not leak kernel addresses). */
	seq_printf(m, "kmalloc virt=%px phys=%llx size=%d\n", kbuf, (unsigned long long)kphys, KBUF_SIZE);
	seq_printf(m, "pages virt=%px phys=%llx pfn=%lx order=%u\n", pvirt, (unsigned long long)pphys, pfn, order);
	return 0;
}

static int __init memory_lab_init(void)
{
	if (order > 10)
		return -EINVAL;
	kbuf = kmalloc(KBUF_SIZE, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	/* TODO: allocate 2^order pages with alloc_pages(GFP_KERNEL, order); free kbuf and fail with -ENOMEM if that fails */

	proc = proc_create_single("memory_lab", 0444, NULL, memory_lab_show);
	if (!proc) {
		kfree(kbuf);
		return -ENOMEM;
	}
	pr_info("memory_lab: loaded\n");
	return 0;
}

static void __exit memory_lab_exit(void)
{
	proc_remove(proc);
	/* TODO: give the pages back with __free_pages(pages, order) */
	kfree(kbuf);
	pr_info("memory_lab: unloaded\n");
}

module_init(memory_lab_init);
module_exit(memory_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: kmalloc, alloc_pages and physical addresses");
