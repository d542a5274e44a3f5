// xdp_drop: drops IPv4 packets whose source address is in the `blocked` map, at the driver, before
// the network stack sees them (see STEPS.md). It builds and loads as is; it passes every packet.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800 /* from <linux/if_ether.h>: vmlinux.h has types, not macros */

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u32);   /* IPv4 source address, network byte order (as in the IP header) */
	__type(value, u64); /* packets dropped from that address */
} blocked SEC(".maps");

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	/* The verifier rejects any read it cannot prove is inside [data, data_end). */
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	/* TODO: the IPv4 header follows the Ethernet header: bounds-check it like eth above, look its
	 * saddr up in `blocked`; if found, count the drop in the value (atomically) and return XDP_DROP. */
	return XDP_PASS;
}
