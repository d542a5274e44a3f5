// Reference solution of the driver-pci-walk lab (used by the test suite).
#include <linux/module.h>
#include <linux/pci.h>

static int __init pci_walk_init(void)
{
	struct pci_dev *pdev = NULL;
	int n = 0;

	/* pci_get_device drops the reference on the device passed in and takes one on the one it returns;
	 * walking to the end (NULL) leaves no reference behind. */
	while ((pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, pdev))) {
		char bars[6 * 40] = "";
		int len = 0, i;

		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			if (!pci_resource_len(pdev, i))
				continue;
			len += scnprintf(bars + len, sizeof(bars) - len, " bar%d=0x%llx+0x%llx", i,
					 (unsigned long long)pci_resource_start(pdev, i),
					 (unsigned long long)pci_resource_len(pdev, i));
		}
		pr_info("pci_walk: %s %04x:%04x class=0x%06x%s\n", pci_name(pdev), pdev->vendor, pdev->device, pdev->class, bars);
		n++;
	}
	pr_info("pci_walk: %d devices\n", n);
	return 0;
}

static void __exit pci_walk_exit(void)
{
}

module_init(pci_walk_init);
module_exit(pci_walk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: walk the PCI bus with pci_get_device()");
