// edu_lab: a PCI driver for QEMU's "edu" device (see STEPS.md): bind to it, map its registers
// (BAR0), read its ID, compute a factorial on it and take its interrupt. It builds as is; binding,
// mapping and the interrupt are TODOs. The VM needs the device: ring0 vm start --device edu
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>

/* The edu device's registers: offsets into BAR0 (QEMU's docs/specs/edu.rst). */
#define EDU_ID		0x00	/* RO: 0xRRrr00ed, version RR.rr */
#define EDU_LIVENESS	0x04	/* RW: reads back the bitwise inverse of what was written */
#define EDU_FACTORIAL	0x08	/* RW: write n, read n! once the status says it is done */
#define EDU_STATUS	0x20	/* RW: 0x01 computing (RO), 0x80 raise an interrupt when done */
#define EDU_IRQ_STATUS	0x24	/* RO: why the interrupt was raised (0x01: factorial done) */
#define EDU_IRQ_ACK	0x64	/* WO: clear these bits of the interrupt status */

#define STATUS_COMPUTING	0x01
#define STATUS_IRQ_FACTORIAL	0x80

struct edu {
	struct pci_dev *pdev;
	void __iomem *bar;		/* BAR0, mapped */
	int irq;
	struct mutex lock;		/* one factorial at a time */
	struct completion done;		/* completed by the interrupt handler */
	atomic_t irqs;			/* interrupts handled */
	u32 result;			/* the last factorial */
};

static irqreturn_t edu_irq(int irq, void *data)
{
	struct edu *edu = data;

	/*
	 * TODO: read EDU_IRQ_STATUS. 0 means the interrupt was not ours (the line may be shared):
	 * return IRQ_NONE. Otherwise acknowledge it by writing the same bits to EDU_IRQ_ACK (or the
	 * device keeps the line raised), count it in edu->irqs, and if bit 0x01 (factorial done) is set,
	 * complete(&edu->done). Return IRQ_HANDLED.
	 */
	(void)edu;
	return IRQ_NONE;
}

/* cat .../id: the ID register, e.g. 0x010000ed */
static ssize_t id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	/* TODO: read the ID register from BAR0 with ioread32(edu->bar + EDU_ID) */
	(void)edu;
	return sysfs_emit(buf, "0x%08x\n", 0);
}
static DEVICE_ATTR_RO(id);

/* cat .../factorial: the last result */
static ssize_t factorial_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", edu->result);
}

/* echo N > .../factorial: let the device compute N! and wait for its interrupt */
static ssize_t factorial_store(struct device *dev, struct device_attribute *attr, const char *buf, size_t len)
{
	struct edu *edu = dev_get_drvdata(dev);
	u32 n;
	int err = kstrtou32(buf, 0, &n);

	if (err)
		return err;
	if (n > 12)
		return -ERANGE;	/* 13! does not fit in 32 bits */
	mutex_lock(&edu->lock);
	reinit_completion(&edu->done);
	/*
	 * TODO: ask for an interrupt when done (write STATUS_IRQ_FACTORIAL to EDU_STATUS), start the
	 * computation (write n to EDU_FACTORIAL), wait for the interrupt handler with
	 * wait_for_completion_timeout(&edu->done, msecs_to_jiffies(1000)) (0 means it timed out:
	 * unlock and return -ETIMEDOUT), then read the result from EDU_FACTORIAL into edu->result.
	 */
	mutex_unlock(&edu->lock);
	return len;
}
static DEVICE_ATTR_RW(factorial);

/* cat .../irqs: interrupts handled */
static ssize_t irqs_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", atomic_read(&edu->irqs));
}
static DEVICE_ATTR_RO(irqs);

/* The files above, created in the device's sysfs directory when the driver binds. */
static struct attribute *edu_attrs[] = { &dev_attr_id.attr, &dev_attr_factorial.attr, &dev_attr_irqs.attr, NULL };
ATTRIBUTE_GROUPS(edu);

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	mutex_init(&edu->lock);
	init_completion(&edu->done);

	/*
	 * TODO:
	 * 1. Enable the device: pcim_enable_device(pdev).
	 * 2. Claim and map BAR0: pcim_iomap_regions(pdev, BIT(0), "edu_lab"), then
	 *    edu->bar = pcim_iomap_table(pdev)[0].
	 * 3. Get one interrupt vector: pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES) (< 0 is an
	 *    error); edu->irq = pci_irq_vector(pdev, 0); request_irq(edu->irq, edu_irq, IRQF_SHARED,
	 *    "edu_lab", edu) (on error, pci_free_irq_vectors and return it).
	 * Return any error: the pcim_ and devm_ helpers undo themselves when probe fails.
	 */
	pci_set_drvdata(pdev, edu);
	dev_info(&pdev->dev, "edu_lab: bound\n");
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	/* TODO: free_irq(edu->irq, edu) and pci_free_irq_vectors(pdev) (pcim_/devm_ undo the rest) */
}

static const struct pci_device_id edu_ids[] = {
	/* TODO: match the edu device: PCI_DEVICE(vendor 0x1234, device 0x11e8) */
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "edu_lab",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
	.dev_groups = edu_groups,
};
module_pci_driver(edu_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: a PCI driver for QEMU's edu device");
