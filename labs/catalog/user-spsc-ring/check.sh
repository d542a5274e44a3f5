#!/bin/sh
# Checker for the user-spsc-ring lab, run in the guest from the lab folder: compiles spsc.cpp with the
# host's g++ -std=c++20 (the guest sees the host root), checks that 200000 items cross the ring in order
# between two threads (200000 items), and times the ring against the mutex queue in the same run (best of 3 each).
# Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-user-spsc
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
if ! command -v g++ > /dev/null; then
  why='g++ is not installed on the host: apt-get install g++, then restart the VM'; rest builds correct faster; exit 0
fi
if ! g++ -std=c++20 -O2 -Wall -pthread -o "$work/spsc" spsc.cpp > "$work/cc.log" 2>&1; then
  echo "FAIL builds g++ -std=c++20 -O2 -Wall -pthread spsc.cpp failed: $(grep -m1 'error' "$work/cc.log" || tail -n1 "$work/cc.log")"
  why='fix the build first (objective "builds")'; rest correct faster; exit 0
fi
echo "PASS builds g++ -std=c++20 -O2 -Wall -pthread spsc.cpp"
n=200000
out=$(timeout 6 "$work/spsc" ring $n 2>&1); st=$?
if [ $st = 124 ]; then
  echo "FAIL correct the ring run did not finish in 6 s: the consumer never got all items — pop() must return the element at head once tail has moved past it (TODO 3), and push() must store it (TODO 2)"
  why='fix "correct" first'; rest faster; exit 0
elif [ $st != 0 ]; then
  echo "FAIL correct $out: the consumer saw items missing, duplicated or out of order — write the slot before the release-store of tail_, read it before the release-store of head_"
  why='fix "correct" first'; rest faster; exit 0
fi
echo "PASS correct two threads moved $n items through the ring, all in order: $out"
best() { # best of 3 runs' milliseconds
  for i in 1 2 3; do timeout 60 "$work/spsc" "$1" $n | sed -n 's/.* in \([0-9.]*\) ms$/\1/p'; done | sort -n | head -n1
}
r=$(best ring); m=$(best mutex)
if [ -z "$r" ] || [ -z "$m" ]; then
  echo "FAIL faster could not time both queues (ring '${r:-?}' ms, mutex '${m:-?}' ms)"
elif awk -v r="$r" -v m="$m" 'BEGIN { exit !(r * 1.5 < m) }'; then
  echo "PASS faster the ring took $r ms, the mutex queue $m ms for $n items ($(awk -v r="$r" -v m="$m" 'BEGIN { printf "%.1f", m / r }')x faster, best of 3 each, same VM)"
else
  echo "FAIL faster the ring took $r ms and the mutex queue $m ms: the ring should be well over 1.5x faster — use relaxed loads for your own index, acquire for the other's, release for the stores, no locks, and keep head_ and tail_ on separate cache lines"
fi
