#!/bin/sh
# limits.sh COMMAND... (reference solution): runs COMMAND in /sys/fs/cgroup/ring0-lab with 10% of a
# CPU and 32 MiB of memory.
[ $# -gt 0 ] || { echo "usage: limits.sh COMMAND..." >&2; exit 2; }
set -e
cg=/sys/fs/cgroup/ring0-lab
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "+cpu +memory" > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"
echo "10000 100000" > "$cg/cpu.max"
echo 32M > "$cg/memory.max"
[ ! -e "$cg/memory.swap.max" ] || echo 0 > "$cg/memory.swap.max"
echo $$ > "$cg/cgroup.procs"
exec "$@"
