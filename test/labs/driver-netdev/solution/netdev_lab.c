// Reference solution of the driver-netdev lab (used by the test suite).
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>

static struct net_device *r0net;
static atomic_t xmit_count = ATOMIC_INIT(0);

static netdev_tx_t r0net_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += skb->len;
	atomic_inc(&xmit_count);
	dev_kfree_skb(skb);	/* no wire: the packet ends here */
	return NETDEV_TX_OK;
}

static const struct net_device_ops r0net_ops = {
	.ndo_start_xmit = r0net_xmit,
};

static int xmit_count_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&xmit_count));
}
static const struct kernel_param_ops xmit_count_ops = { .get = xmit_count_get };
module_param_cb(xmit_count, &xmit_count_ops, NULL, 0444);

static void r0net_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &r0net_ops;
	dev->flags |= IFF_NOARP;
	eth_hw_addr_random(dev);
}

static int __init netdev_lab_init(void)
{
	int err;

	r0net = alloc_netdev(0, "r0net%d", NET_NAME_ENUM, r0net_setup);
	if (!r0net)
		return -ENOMEM;
	err = register_netdev(r0net);
	if (err) {
		free_netdev(r0net);
		return err;
	}
	pr_info("netdev_lab: registered %s\n", r0net->name);
	return 0;
}

static void __exit netdev_lab_exit(void)
{
	unregister_netdev(r0net);
	free_netdev(r0net);
}

module_init(netdev_lab_init);
module_exit(netdev_lab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ring0 lab: a virtual net_device that counts what it sends");
