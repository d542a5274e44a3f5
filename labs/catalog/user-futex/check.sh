#!/bin/sh
# Checker for the user-futex lab, run in the guest from the lab folder: compiles futex_mutex.c with the
# host's cc (the guest sees the host root), runs 4 contending threads, then counts system calls with
# strace: the uncontended path must make none, the contended path must sleep in futex(2).
# Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-user-futex
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
if ! cc -O2 -Wall -pthread -o "$work/fm" futex_mutex.c > "$work/cc.log" 2>&1; then
  echo "FAIL builds cc -O2 -Wall -pthread futex_mutex.c failed: $(grep -m1 'error' "$work/cc.log" || tail -n1 "$work/cc.log")"
  why='fix the build first (objective "builds")'; rest mutual-exclusion no-syscall-fast-path sleeps-when-contended; exit 0
fi
echo "PASS builds cc -O2 -Wall -pthread futex_mutex.c"
excl=0
if out=$(timeout 60 "$work/fm" 4 100000 2>&1); then
  excl=1
  echo "PASS mutual-exclusion 4 threads x 100000 increments under the lock: $out"
else
  echo "FAIL mutual-exclusion 4 threads x 100000 increments gave '$out': increments were lost, so two threads held the lock at once — implement fmutex_lock/fmutex_unlock (TODO 1, 2)"
fi
if ! command -v strace > /dev/null; then
  why='strace is not installed on the host: apt-get install strace (ring0 setup --test-host), then restart the VM'; rest no-syscall-fast-path sleeps-when-contended; exit 0
fi
strace -f -c -o "$work/one.txt" -e trace=futex "$work/fm" 1 100000 > /dev/null 2>&1
n1=$(awk '$NF == "futex" { print $4 }' "$work/one.txt"); n1=${n1:-0}
if [ $excl = 0 ]; then
  echo "FAIL no-syscall-fast-path a lock that does not exclude anyone needs no system call at all ($n1 futex calls): fix mutual-exclusion first, then keep the uncontended path in user space"
elif [ "$n1" = 0 ]; then
  echo "PASS no-syscall-fast-path 100000 uncontended lock/unlock pairs made 0 futex calls (strace -c): the fast path stays in user space"
else
  echo "FAIL no-syscall-fast-path 100000 uncontended lock/unlock pairs made $n1 futex calls: take a free lock with a compare-and-exchange 0 -> 1, and call FUTEX_WAKE in unlock only when the state was 2 (someone may sleep)"
fi
strace -f -o "$work/many.txt" -e trace=futex "$work/fm" 4 20000 > /dev/null 2>&1
waits=$(grep -c 'FUTEX_WAIT' "$work/many.txt"); wakes=$(grep -c 'FUTEX_WAKE' "$work/many.txt")
if [ "$waits" -gt 0 ] && [ "$wakes" -gt 0 ]; then
  echo "PASS sleeps-when-contended with 4 threads the lock slept in the kernel ($waits FUTEX_WAIT) and woke sleepers ($wakes FUTEX_WAKE) instead of spinning"
else
  echo "FAIL sleeps-when-contended with 4 contending threads strace saw $waits FUTEX_WAIT and $wakes FUTEX_WAKE calls: a contended lock must sleep with FUTEX_WAIT_PRIVATE and unlock must wake with FUTEX_WAKE_PRIVATE"
fi
