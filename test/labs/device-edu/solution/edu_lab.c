// Reference solution of the device-edu lab (used by the test suite).
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>

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
	void __iomem *bar;
	int irq;
	struct mutex lock;		/* one factorial at a time */
	struct completion done;
	atomic_t irqs;
	u32 result;
};

static irqreturn_t edu_irq(int irq, void *data)
{
	struct edu *edu = data;
	u32 status = ioread32(edu->bar + EDU_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;	/* not ours (the line may be shared) */
	iowrite32(status, edu->bar + EDU_IRQ_ACK);
	atomic_inc(&edu->irqs);
	if (status & 0x01)
		complete(&edu->done);
	return IRQ_HANDLED;
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "0x%08x\n", ioread32(edu->bar + EDU_ID));
}
static DEVICE_ATTR_RO(id);

static ssize_t factorial_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", edu->result);
}

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
	iowrite32(STATUS_IRQ_FACTORIAL, edu->bar + EDU_STATUS);
	iowrite32(n, edu->bar + EDU_FACTORIAL);
	if (!wait_for_completion_timeout(&edu->done, msecs_to_jiffies(1000))) {
		mutex_unlock(&edu->lock);
		return -ETIMEDOUT;
	}
	edu->result = ioread32(edu->bar + EDU_FACTORIAL);
	mutex_unlock(&edu->lock);
	return len;
}
static DEVICE_ATTR_RW(factorial);

static ssize_t irqs_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct edu *edu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", atomic_read(&edu->irqs));
}
static DEVICE_ATTR_RO(irqs);

static struct attribute *edu_attrs[] = { &dev_attr_id.attr, &dev_attr_factorial.attr, &dev_attr_irqs.attr, NULL };
ATTRIBUTE_GROUPS(edu);

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	u32 ver;
	int err;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	mutex_init(&edu->lock);
	init_completion(&edu->done);

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(0), "edu_lab");
	if (err)
		return err;
	edu->bar = pcim_iomap_table(pdev)[0];

	ver = ioread32(edu->bar + EDU_ID);
	iowrite32(0x12345678, edu->bar + EDU_LIVENESS);
	if (ioread32(edu->bar + EDU_LIVENESS) != ~0x12345678u) {
		dev_err(&pdev->dev, "edu_lab: the liveness check failed\n");
		return -EIO;
	}

	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (err < 0)
		return err;
	edu->irq = pci_irq_vector(pdev, 0);
	err = request_irq(edu->irq, edu_irq, IRQF_SHARED, "edu_lab", edu);
	if (err) {
		pci_free_irq_vectors(pdev);
		return err;
	}
	pci_set_drvdata(pdev, edu);
	dev_info(&pdev->dev, "edu_lab: edu v%u.%u (ID 0x%08x), BAR0 at %pR, irq %d\n", ver >> 24, (ver >> 16) & 0xff, ver,
		 &pdev->resource[0], edu->irq);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu *edu = pci_get_drvdata(pdev);

	free_irq(edu->irq, edu);
	pci_free_irq_vectors(pdev);
	/* pcim_* and devm_* undo the rest: regions, mapping, enable, the struct. */
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
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
