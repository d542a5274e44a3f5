#!/bin/sh
# Checker for the uring-linked lab, run in the guest from the lab folder: compiles uring_link.c with the
# host's cc, checks the copies, counts linked requests with the io_uring:io_uring_link tracepoint (in a
# private tracefs instance), and compares system calls with a naive read->wait->write->wait copy under
# strace -c. Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-uring-linked
inst=/sys/kernel/tracing/instances/ring0-uring-linked
rm -rf "$work"; mkdir -p "$work"
cleanup() {
  if [ -d "$inst" ]; then
    echo 0 > "$inst/tracing_on" 2>/dev/null
    echo 0 > "$inst/events/io_uring/enable" 2>/dev/null
    rmdir "$inst" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }

if [ ! -e /usr/include/liburing.h ]; then
  why='liburing.h is missing on the host: apt-get install liburing-dev (or ring0 setup --test-host), then restart the VM'
  rest builds copies links fewer-syscalls; exit 0
fi
if ! cc -O2 -Wall -o "$work/uring_link" uring_link.c -luring > "$work/cc.log" 2>&1; then
  echo "FAIL builds cc -O2 -Wall uring_link.c -luring failed: $(grep -m1 'error' "$work/cc.log" || tail -n1 "$work/cc.log")"
  why='fix the build first (objective "builds")'; rest copies links fewer-syscalls; exit 0
fi
echo "PASS builds cc -O2 -Wall uring_link.c -luring"

ok=1; msg=
for size in 0 1 65536 4194427; do
  head -c "$size" /dev/urandom > "$work/src.$size"
  if ! "$work/uring_link" "$work/src.$size" "$work/dst.$size" > "$work/run.log" 2>&1; then
    ok=0; msg="uring_link on a $size-byte file failed: $(tail -n1 "$work/run.log")"; break
  fi
  if ! cmp -s "$work/src.$size" "$work/dst.$size"; then
    ok=0; msg="copying a $size-byte file gave a $(wc -c < "$work/dst.$size")-byte file with different contents: give each pair its own buffer, and the write the same length and offset as its read"; break
  fi
done
if [ $ok = 1 ]; then echo "PASS copies copied files of 0, 1, 65536 and 4194427 bytes byte for byte"; else echo "FAIL copies $msg"; fi

# Linked requests, as the kernel sees them: io_uring_link fires when a request is queued behind the
# one before it in a chain; io_uring_submit_sqe once per SQE.
big="$work/src.4194427"
if mkdir "$inst" 2>/dev/null && echo 1 > "$inst/events/io_uring/io_uring_link/enable" && echo 1 > "$inst/events/io_uring/io_uring_submit_sqe/enable"; then
  echo > "$inst/trace"
  "$work/uring_link" "$big" "$work/dst.trace" > /dev/null 2>&1
  echo 0 > "$inst/tracing_on"
  links=$(grep -c 'io_uring_link:' "$inst/trace")
  sqes=$(grep -c 'io_uring_submit_sqe:' "$inst/trace")
  if [ "$links" -ge 2 ] && [ $((links * 2 + 2)) -ge "$sqes" ]; then
    echo "PASS links the kernel linked $links of $sqes requests (each write queued behind its read with IOSQE_IO_LINK)"
  elif [ "$links" -ge 1 ]; then
    echo "FAIL links only $links of $sqes requests were linked: set IOSQE_IO_LINK on every read, so each write waits for its own read"
  else
    echo "FAIL links the kernel linked none of the $sqes requests: set sqe->flags |= IOSQE_IO_LINK on each read SQE, and put its write right after it"
  fi
else
  echo "FAIL links could not enable the io_uring tracepoints in $inst (is tracefs mounted at /sys/kernel/tracing?)"
fi

# The naive baseline: one io_uring_enter per read and per write.
cat > "$work/naive.c" <<'NAIVE'
#include <fcntl.h>
#include <liburing.h>
static char buf[65536];
static int rw(struct io_uring *r, int write, int fd, unsigned len, long off)
{
    struct io_uring_cqe *cqe;
    struct io_uring_sqe *sqe = io_uring_get_sqe(r);
    if (write) io_uring_prep_write(sqe, fd, buf, len, off); else io_uring_prep_read(sqe, fd, buf, len, off);
    io_uring_submit(r);
    if (io_uring_wait_cqe(r, &cqe) < 0) return -1;
    int res = cqe->res;
    io_uring_cqe_seen(r, cqe);
    return res;
}
int main(int argc, char **argv)
{
    struct io_uring r;
    int in = open(argv[1], O_RDONLY), out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644), n;
    long off = 0;
    if (argc != 3 || in < 0 || out < 0 || io_uring_queue_init(4, &r, 0) < 0) return 1;
    while ((n = rw(&r, 0, in, sizeof buf, off)) > 0) {
        if (rw(&r, 1, out, n, off) != n) return 1;
        off += n;
    }
    return n < 0;
}
NAIVE
count() { # prints "<io_uring_enter calls> <all system calls>" for a copy of $big
  strace -f -c -o "$work/c.txt" "$@" "$big" "$work/dst.count" > /dev/null 2>&1
  awk '$NF == "io_uring_enter" { e = $4 } $NF == "total" { t = $4 } END { print e + 0, t + 0 }' "$work/c.txt"
}
if ! cc -O2 -o "$work/naive" "$work/naive.c" -luring > "$work/cc-naive.log" 2>&1; then
  echo "FAIL fewer-syscalls the checker could not build its naive baseline: $(head -n1 "$work/cc-naive.log")"
else
  set -- $(count "$work/naive"); nenter=$1; ntotal=$2
  set -- $(count "$work/uring_link"); enter=$1; total=$2
  if [ "$nenter" -lt 10 ]; then
    echo "FAIL fewer-syscalls the naive baseline made only $nenter io_uring_enter calls: strace -c did not work here"
  elif [ "$enter" -ge 1 ] && [ $((enter * 2)) -le "$nenter" ] && [ "$total" -lt "$ntotal" ]; then
    echo "PASS fewer-syscalls copying 4 MiB took $enter io_uring_enter calls ($total system calls) against $nenter ($ntotal) for the naive read->wait->write->wait copy"
  else
    echo "FAIL fewer-syscalls copying 4 MiB took $enter io_uring_enter calls ($total system calls); the naive copy takes $nenter ($ntotal): submit a batch of linked pairs and wait for all of them with one io_uring_submit_and_wait (at most half the naive count)"
  fi
fi
