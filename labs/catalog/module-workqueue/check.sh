#!/bin/sh
# Checker for the module-workqueue lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Five 200 ms jobs are written to /proc/wq_lab; the writes must return at once and the jobs run later
# in a kworker, in order; rmmod must wait for queued jobs.
t=/tmp/r0-wq
p=/proc/wq_lab
rm -rf $t; mkdir -p $t
rmmod wq_lab 2>/dev/null
dmesg -C
if ! insmod wq_lab.ko 2>$t/insmod.err; then
  for o in deferred process-context completes flushes; do echo "FAIL $o insmod wq_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
count() { awk -v k="$1" '$1 == k {print $2}' $p; }
for j in one two three four five; do echo $j > $p; done
done_now=$(count completed)
if [ "$(count queued)" != 5 ]; then
  echo "FAIL deferred $p says $(count queued) jobs queued after 5 writes"
elif [ "$done_now" -lt 5 ]; then
  echo "PASS deferred the 5 writes returned with only $done_now of the 200 ms jobs done: the rest is deferred"
else
  echo "FAIL deferred all 5 jobs were already done when the writes returned: write() ran them itself (1 s of waiting); queue_work(wq, &job->work) instead"
fi
i=0
while [ "$(count completed)" -lt 5 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
order=$(dmesg | sed -n "s/.*wq_lab: job '\([a-z]*\)' done.*/\1/p" | tr '\n' ' ')
if [ "$(count completed)" = 5 ] && [ "$order" = "one two three four five " ]; then
  echo "PASS completes all 5 jobs completed, in the order they were queued"
else
  echo "FAIL completes after 5 s: $(count completed) of 5 jobs completed, in the order '$order' (want 'one two three four five'): use an ordered workqueue (alloc_ordered_workqueue)"
fi
comms=$(dmesg | sed -n "s/.*wq_lab: job '[a-z]*' done in \([^ ]*\) .*/\1/p" | sort -u | tr '\n' ' ' | sed 's/ $//')
case "$comms" in
  kworker*) echo "PASS process-context the jobs ran in $comms: kernel worker threads, where sleeping is fine" ;;
  *) echo "FAIL process-context the jobs ran in '$comms', the writing process itself, not in a kworker thread: create a workqueue in init and queue the jobs on it" ;;
esac
dmesg -C
for j in six seven eight; do echo $j > $p; done
rmmod wq_lab 2>$t/rmmod.err
if grep -q '^wq_lab ' /proc/modules; then
  echo "FAIL flushes rmmod wq_lab failed: $(cat $t/rmmod.err)"
else
  sleep 0.5
  log=$(dmesg | grep -E "wq_lab|BUG:|Oops|general protection" | tr '\n' '|')
  case "$log" in
    *BUG:*|*Oops*|*"general protection"*) echo "FAIL flushes the kernel oopsed around rmmod: a queued job ran after the module was gone; destroy_workqueue(wq) in wq_lab_exit waits for it" ;;
    *"job 'six'"*"job 'seven'"*"job 'eight'"*"unloaded after"*) echo "PASS flushes rmmod waited for the 3 queued jobs before unloading" ;;
    *) echo "FAIL flushes after queueing six, seven, eight and rmmod at once, the log shows: $log - destroy_workqueue(wq) in wq_lab_exit must run (and wait for) the queued jobs before 'wq_lab: unloaded'" ;;
  esac
fi
rm -rf $t
