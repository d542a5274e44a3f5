// netdev_lab: a virtual Ethernet device, r0net0, whose transmit function counts the packets and drops them.
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>

static struct net_device *r0net;
static atomic_t xmit_count = ATOMIC_INIT(0);

static netdev_tx_t r0net_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* TODO 2: count the packet: dev->stats.tx_packets++, dev->stats.tx_bytes += skb->len, and
	 * atomic_inc(&xmit_count) (read through /sys/module/netdev_lab/parameters/xmit_count). There is
	 * no wire: free the skb with dev_kfree_skb — the driver owns it once it returns NETDEV_TX_OK —
	 * and return NETDEV_TX_OK. (Today the packet is refused: the stack keeps retrying it.) */
	return NETDEV_TX_BUSY;
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
	eth_hw_addr_random(dev);
	/* TODO 1: point dev->netdev_ops at r0net_ops, and set IFF_NOARP in dev->flags: nobody answers
	 * ARP on this wire, so IP packets should go out without waiting for a neighbour's address. */
}

static int __init netdev_lab_init(void)
{
	int err;

	/* TODO 3: allocate the device with alloc_netdev(0, "r0net%d", NET_NAME_ENUM, r0net_setup)
	 * (-ENOMEM if NULL) and register_netdev() it (free_netdev on failure). netdev_lab_exit undoes both. */
	(void)err;
	return -ENODEV;
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
