// Reference solution of the module-memory lab (used by the test suite).
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

static void *kbuf;
static struct page *pages;
static struct proc_dir_entry *proc;

static int memory_lab_show(struct seq_file *m, void *v)
{
	phys_addr_t kphys = virt_to_phys(kbuf);
	void *pvirt = page_address(pages);
	phys_addr_t pphys = page_to_phys(pages);
	unsigned long pfn = page_to_pfn(pages);

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
	pages = alloc_pages(GFP_KERNEL, order);
	if (!pages) {
		kfree(kbuf);
		return -ENOMEM;
	}
	proc = proc_create_single("memory_lab", 0444, NULL, memory_lab_show);
	if (!proc) {
		__free_pages(pages, order);
		kfree(kbuf);
		return -ENOMEM;
	}
	pr_info("memory_lab: loaded\n");
	return 0;
}

static void __exit memory_lab_exit(void)
{
	proc_remove(proc);
	__free_pages(pages, order);
	kfree(kbuf);
	pr_info("memory_lab: unloaded\n");
}

module_init(memory_lab_init);
module_exit(memory_lab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: kmalloc, alloc_pages and physical addresses");
