#!/bin/sh
# Setup for the ebpf-xdp-drop lab, run in the guest before the XDP program is loaded onto r0xdp0:
# a veth pair between the root network namespace (r0xdp0, 10.200.0.1) and the namespace r0xdp
# (r0xdp1, 10.200.0.2). Starts from scratch every time.
ip netns del r0xdp 2>/dev/null
ip link del r0xdp0 2>/dev/null
set -e
ip netns add r0xdp
ip link add r0xdp0 type veth peer name r0xdp1 netns r0xdp
ip addr add 10.200.0.1/24 dev r0xdp0
ip link set r0xdp0 up
ip -n r0xdp addr add 10.200.0.2/24 dev r0xdp1
ip -n r0xdp link set lo up
ip -n r0xdp link set r0xdp1 up
