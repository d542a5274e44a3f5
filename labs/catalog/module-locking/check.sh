#!/bin/sh
# Checker for the module-locking lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Two processes hammer /dev/locking_lab at once; every write must be counted and land whole in the ring.
t=/tmp/r0-locking
n=2000
rm -rf $t; mkdir -p $t
rmmod locking_lab 2>/dev/null
dmesg -C
if ! insmod locking_lab.ko 2>$t/insmod.err; then
  for o in counts ring atomic-context; do echo "FAIL $o insmod locking_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
cat > $t/h.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char rec[9];
	int n = atoi(argv[2]);
	memset(rec, argv[1][0], 7);
	rec[7] = '\n';
	int fd = open("/dev/locking_lab", O_WRONLY);
	if (fd < 0) { perror("open /dev/locking_lab"); return 1; }
	for (int i = 0; i < n; i++)
		if (write(fd, rec, 8) != 8) { perror("write"); return 1; }
	return 0;
}
C
if ! cc -O1 -o $t/h $t/h.c 2>$t/cc.err; then
  echo "FAIL counts the checker's writer program did not compile in the guest: $(head -3 $t/cc.err)"
  rmmod locking_lab; exit 0
fi
# One writer first. Sleeping with the spinlock held shows up here as 'scheduling while atomic'; with two
# writers on one CPU it would hang the VM (the second spins forever on a lock whose holder sleeps).
$t/h a 5 2>$t/a.err
if dmesg | grep -q 'scheduling while atomic'; then
  echo "FAIL atomic-context a single write made the kernel say 'BUG: scheduling while atomic': prepare_record() sleeps (usleep_range), so call it before spin_lock, never while holding it"
  echo "FAIL counts not run: with two writers on one CPU, sleeping while holding the spinlock hangs the VM (see atomic-context)"
  echo "FAIL ring not run: fix atomic-context first"
  rmmod locking_lab 2>/dev/null
  rm -rf $t
  exit 0
fi
rmmod locking_lab && insmod locking_lab.ko 2>$t/insmod.err || { echo "FAIL counts reloading locking_lab.ko failed: $(cat $t/insmod.err)"; exit 0; }
$t/h a $n 2>$t/a.err & pa=$!
$t/h b $n 2>$t/b.err & pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
writes=$(awk '/^writes/ {print $2}' /proc/locking_lab)
bytes=$(awk '/^bytes/ {print $2}' /proc/locking_lab)
want=$((2 * n))
if [ $ra != 0 ] || [ $rb != 0 ]; then
  echo "FAIL counts a writer failed: $(cat $t/a.err $t/b.err)"
elif [ "$writes" = $want ] && [ "$bytes" = $((want * 8)) ]; then
  echo "PASS counts 2 processes x $n concurrent writes: all $want writes and $((want * 8)) bytes counted"
else
  echo "FAIL counts 2 processes x $n concurrent writes, but the module counted $writes writes and $bytes bytes (want $want and $((want * 8))): $((want - ${writes:-0})) updates were lost. A writer reads bridge.writes and bridge.head, sleeps in prepare_record() while the other writer updates them, then writes back a stale value: prepare first, then update ring, head and writes under one spin_lock; count bytes with atomic64_add"
fi
cat /dev/locking_lab > $t/ring
python3 - $t/ring <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
recs = [data[i:i + 8] for i in range(0, len(data), 8)]
ok = {b'AAAAAAA\n', b'BBBBBBB\n'}
bad = [r for r in recs if r not in ok]
if len(data) != 4096:
    print('FAIL ring read() of /dev/locking_lab returned %d bytes, not the 4096-byte ring' % len(data))
elif any(r.lower() == r and r.strip(b'\0') for r in bad):
    print('FAIL ring the ring holds records that were not prepared (still lower case, e.g. %r): keep prepare_record() on every record' % next(r for r in bad if r.lower() == r))
elif bad:
    print('FAIL ring %d of the 512 8-byte records in the ring are torn or missing (e.g. %r): two writers wrote at the same head; reserve the space and copy under the lock' % (len(bad), bad[0]))
else:
    a = sum(1 for r in recs if r == b'AAAAAAA\n')
    print('PASS ring the ring holds 512 whole prepared records (%d from one writer, %d from the other)' % (a, 512 - a))
PY
if dmesg | grep -q 'scheduling while atomic'; then
  echo "FAIL atomic-context the kernel log says 'BUG: scheduling while atomic': prepare_record() sleeps (usleep_range), so call it before spin_lock, never while holding it"
elif dmesg | grep -qE 'BUG:|Oops|WARNING:.*locking_lab'; then
  echo "FAIL atomic-context the kernel log reported a problem: $(dmesg | grep -E 'BUG:|Oops|WARNING:.*locking_lab' | head -1)"
else
  echo "PASS atomic-context no 'scheduling while atomic' or other kernel warnings"
fi
rmmod locking_lab 2>/dev/null || echo "INFO rmmod locking_lab failed"
rm -rf $t
