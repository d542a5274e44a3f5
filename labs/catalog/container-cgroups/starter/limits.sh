#!/bin/sh
# limits.sh COMMAND...: runs COMMAND in the cgroup /sys/fs/cgroup/ring0-lab, limited to 10% of one
# CPU and 32 MiB of memory (cgroups v2).
[ $# -gt 0 ] || { echo "usage: limits.sh COMMAND..." >&2; exit 2; }
cg=/sys/fs/cgroup/ring0-lab

# TODO 1: cgroups v2 is a file system. Mount it on /sys/fs/cgroup unless it is already mounted:
#   mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup

# TODO 2: a child cgroup only gets the cpu and memory controllers if its parent hands them down:
#   echo "+cpu +memory" > /sys/fs/cgroup/cgroup.subtree_control
# then create the cgroup: mkdir -p "$cg"

# TODO 3: the limits.
#   cpu.max    "QUOTA PERIOD" in microseconds: 10000 of every 100000 = 10% of one CPU
#   memory.max 32M: over it, the kernel reclaims, then the cgroup's OOM killer picks a victim
#   memory.swap.max 0: no swapping around the limit (the VM has no swap; real machines do)

# TODO 4: move this shell into the cgroup (write its PID, $$, to "$cg/cgroup.procs"); the command
# exec'd below replaces it and inherits the cgroup, as do all its children.
exec "$@"
