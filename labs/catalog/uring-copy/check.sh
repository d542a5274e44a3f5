#!/bin/sh
# Checker for the uring-copy lab, run in the guest from the lab folder: compiles uring_cp.c with the
# host's cc (the guest sees the host root), copies files of several sizes, and checks with strace
# that the data moved through io_uring and not read()/write(). Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-uring-copy
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }

if [ ! -e /usr/include/liburing.h ]; then
  why='liburing.h is missing on the host: apt-get install liburing-dev (or ring0 setup --test-host), then restart the VM'
  rest builds copies uses-io-uring reports-errors; exit 0
fi
if ! cc -O2 -Wall -o "$work/uring_cp" uring_cp.c -luring > "$work/cc.log" 2>&1; then
  echo "FAIL builds cc -O2 -Wall uring_cp.c -luring failed: $(grep -m1 'error' "$work/cc.log" || tail -n1 "$work/cc.log")"
  why='fix the build first (objective "builds")'; rest copies uses-io-uring reports-errors; exit 0
fi
echo "PASS builds cc -O2 -Wall uring_cp.c -luring"

# Sizes: empty, one byte, exactly one 64 KiB block, and 1 MiB + 37 bytes (a short last block).
ok=1; msg=
for size in 0 1 65536 1048613; do
  head -c "$size" /dev/urandom > "$work/src.$size"
  if ! "$work/uring_cp" "$work/src.$size" "$work/dst.$size" > "$work/run.log" 2>&1; then
    ok=0; msg="uring_cp on a $size-byte file failed: $(tail -n1 "$work/run.log")"; break
  fi
  if ! cmp -s "$work/src.$size" "$work/dst.$size"; then
    got=$(wc -c < "$work/dst.$size")
    ok=0; msg="copying a $size-byte file gave a $got-byte file with different contents: read until a read returns 0, and write exactly the n bytes each read returned, at the same offset"; break
  fi
done
if [ $ok = 1 ]; then echo "PASS copies copied files of 0, 1, 65536 and 1048613 bytes byte for byte"; else echo "FAIL copies $msg"; fi

# Data system calls on the source or destination file, by path (strace -y shows each fd's path).
strace -f -y -o "$work/strace.log" -e trace=read,write,pread64,pwrite64,readv,writev,preadv,pwritev,preadv2,pwritev2,copy_file_range,sendfile,splice,io_uring_setup,io_uring_enter \
  "$work/uring_cp" "$work/src.1048613" "$work/dst.strace" > /dev/null 2>&1
direct=$(grep -E '^[0-9]+ +(read|write|pread64|pwrite64|readv|writev|preadv|pwritev|preadv2|pwritev2|copy_file_range|sendfile|splice)\([0-9]+<'"$work"'/(src|dst)' "$work/strace.log" | head -n1 | sed 's/^[0-9]* *\([a-z0-9_]*([0-9]*<[^>]*>\).*/\1, ...)/')
enters=$(grep -c 'io_uring_enter(' "$work/strace.log")
if ! grep -q 'io_uring_setup(' "$work/strace.log"; then
  echo "FAIL uses-io-uring strace saw no io_uring_setup: create the ring with io_uring_queue_init"
elif [ -n "$direct" ]; then
  echo "FAIL uses-io-uring the file data moved with a plain system call ($direct): prepare reads and writes as SQEs instead"
elif [ "$enters" -lt 2 ]; then
  echo "FAIL uses-io-uring strace saw $enters io_uring_enter calls for a 1 MiB copy: io_uring_submit the SQEs"
else
  echo "PASS uses-io-uring the 1 MiB copy went through io_uring ($enters io_uring_enter calls, no read()/write() on the files)"
fi

# A directory opens fine but reading it fails with EISDIR: only cqe->res says so.
mkdir "$work/adir"
"$work/uring_cp" "$work/adir" "$work/dst.dir" > "$work/err.log" 2>&1; status=$?
if [ $status != 0 ] && grep -qi 'directory' "$work/err.log"; then
  echo "PASS reports-errors copying a directory exits $status with: $(head -n1 "$work/err.log")"
elif [ $status = 0 ]; then
  echo "FAIL reports-errors uring_cp exited 0 when the source is a directory: a negative cqe->res is -errno (here -EISDIR); print strerror(-res) and exit 1"
else
  echo "FAIL reports-errors uring_cp exited $status for a directory source but printed '$(head -n1 "$work/err.log")': print strerror(-res) (\"Is a directory\")"
fi
