#!/bin/sh
# Checker for the container-cgroups lab, run in the guest from the lab folder: runs commands through
# limits.sh, reads the cgroup's files, measures a busy loop's CPU share from cpu.stat, and has dd
# allocate 40 MiB under the 32 MiB limit to see the OOM killer. Kills everything in the cgroup, removes
# it, and unmounts cgroup2 again if it was not mounted before. Prints PASS/FAIL <objective> <message>.
cg=/sys/fs/cgroup/ring0-lab
premounted=0
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts && premounted=1
bg=
cleanup() {
  [ -n "$bg" ] && kill -9 "$bg" 2>/dev/null
  if [ -d "$cg" ]; then
    echo 1 > "$cg/cgroup.kill" 2>/dev/null
    i=0; while [ -s "$cg/cgroup.procs" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
    rmdir "$cg" 2>/dev/null
  fi
  [ $premounted = 0 ] && umount /sys/fs/cgroup 2>/dev/null
}
cleanup
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
# The checker needs cgroup2 to look at what limits.sh did, even before limits.sh mounts it.
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 cgroup2 /sys/fs/cgroup

if ! timeout 20 sh ./limits.sh sh -c 'cat /proc/self/cgroup' > /tmp/ring0-cgroups.out 2>&1; then
  echo "FAIL cgroup limits.sh sh -c ... failed: $(tail -n1 /tmp/ring0-cgroups.out)"
  why='fix limits.sh first (objective "cgroup")'; rest cpu-limit memory-limit oom-kill; rm -f /tmp/ring0-cgroups.out; exit 0
fi
inside=$(grep -m1 '^0::' /tmp/ring0-cgroups.out | cut -d: -f3)
rm -f /tmp/ring0-cgroups.out
if [ ! -d "$cg" ]; then
  echo "FAIL cgroup $cg does not exist after limits.sh ran: mount cgroup2 if needed, then mkdir it"
  why='fix limits.sh first (objective "cgroup")'; rest cpu-limit memory-limit oom-kill; exit 0
fi
ctl=$(cat "$cg/cgroup.controllers")
case " $ctl " in *" cpu "*) has_cpu=1 ;; *) has_cpu=0 ;; esac
case " $ctl " in *" memory "*) has_mem=1 ;; *) has_mem=0 ;; esac
case "$has_cpu$has_mem" in
  11) ;;
  *) echo "FAIL cgroup $cg has controllers '$ctl', not cpu and memory: echo '+cpu +memory' > /sys/fs/cgroup/cgroup.subtree_control before creating it"
     why='the cgroup has no cpu and memory controllers (objective "cgroup")'; rest cpu-limit memory-limit oom-kill; exit 0 ;;
esac
if [ "$inside" = /ring0-lab ]; then
  echo "PASS cgroup the command ran in /ring0-lab, which has the cpu and memory controllers"
else
  echo "FAIL cgroup the command ran in cgroup '${inside:-?}', not /ring0-lab: write \$\$ to $cg/cgroup.procs before exec"
fi

max=$(cat "$cg/cpu.max")
if [ "$max" != "10000 100000" ]; then
  echo "FAIL cpu-limit cpu.max is '$max', not '10000 100000' (10 ms of CPU time every 100 ms)"
else
  usage() { sed -n 's/^usage_usec //p' "$cg/cpu.stat"; }
  sh ./limits.sh sh -c 'while :; do :; done' > /dev/null 2>&1 &
  bg=$!
  sleep 0.3
  u0=$(usage); t0=$(date +%s%N)
  sleep 1.5
  u1=$(usage); t1=$(date +%s%N)
  kill -9 "$bg" 2>/dev/null; wait "$bg" 2>/dev/null; bg=
  share=$(( (u1 - u0) * 100 / ((t1 - t0) / 1000) ))   # CPU microseconds per wall microsecond, in %
  if [ "$((u1 - u0))" -le 0 ]; then
    echo "FAIL cpu-limit a busy loop started through limits.sh used no CPU time in $cg: is it moved into the cgroup?"
  elif [ "$share" -le 15 ]; then
    echo "PASS cpu-limit a busy loop in the cgroup got ${share}% of a CPU over 1.5 s (cpu.max 10000 100000)"
  else
    echo "FAIL cpu-limit a busy loop in the cgroup got ${share}% of a CPU over 1.5 s, more than the 10% cpu.max allows"
  fi
fi

mem=$(cat "$cg/memory.max")
if [ "$mem" = 33554432 ]; then
  echo "PASS memory-limit memory.max is 32 MiB (33554432)"
else
  echo "FAIL memory-limit memory.max is '$mem', not 33554432: echo 32M > $cg/memory.max"
fi

before=$(sed -n 's/^oom_kill //p' "$cg/memory.events")
dmesg -C 2>/dev/null
timeout 60 sh ./limits.sh dd if=/dev/zero of=/dev/null bs=40M count=1 > /dev/null 2>&1
status=$?
after=$(sed -n 's/^oom_kill //p' "$cg/memory.events")
killed=$(dmesg 2>/dev/null | grep -m1 -o 'Memory cgroup out of memory: Killed process [0-9]* ([^)]*)')
if [ $status = 137 ] && [ "${after:-0}" -gt "${before:-0}" ]; then
  echo "PASS oom-kill dd with a 40 MiB buffer was OOM-killed in the cgroup (memory.events oom_kill $before -> $after${killed:+; dmesg: $killed})"
elif [ $status = 0 ]; then
  echo "FAIL oom-kill dd allocated and filled a 40 MiB buffer without being killed: the 32 MiB memory.max is not applied to the command"
else
  echo "FAIL oom-kill dd ended with status $status and memory.events oom_kill went from ${before:-?} to ${after:-?}: expected a SIGKILL (137) from the cgroup's OOM killer"
fi
