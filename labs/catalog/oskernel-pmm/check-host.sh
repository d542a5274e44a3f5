#!/bin/sh
# Host checker for oskernel-pmm, run on the HOST from the lab folder: builds kernel.elf, boots it in its
# own QEMU (TCG, serial to a file, a memory size the kernel cannot guess, killed by pid after 8 s), then
# recomputes from the memory map the kernel printed (and kernel_end from kernel.elf) what the
# allocator must report. Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="memory-map free-count alloc reuse"

if ! make -s -B kernel.elf > "$out/build.log" 2>&1; then
  echo "FAIL builds make failed: $(grep -m1 -E 'error|Error|undefined' "$out/build.log" || tail -n1 "$out/build.log")"
  why='fix the build first (objective "builds")'; rest $all; exit 0
fi
echo "PASS builds make built kernel.elf"
qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
[ -n "$qemu" ] || { why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest $all; exit 0; }
case $(( $$ % 3 )) in 0) mem=48 ;; 1) mem=64 ;; *) mem=96 ;; esac
"$qemu" -accel tcg -m "$mem" -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel kernel.elf > "$out/qemu.log" 2>&1 &
qpid=$!
i=0
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$qpid" 2>/dev/null && kill -9 "$qpid"
wait "$qpid" 2>/dev/null; qpid=
tr -d '\r' < "$out/serial.log" > "$out/serial" 2>/dev/null

end=$(nm kernel.elf | awk '$3 == "kernel_end" { print $1 }')
[ -n "$end" ] || { why='kernel.elf has no symbol kernel_end: keep "kernel_end = .;" after .bss in linker.ld'; rest $all; exit 0; }
first=$(( (0x$end + 4095) / 4096 ))
# Frames wholly inside each type-1 region below 4 GiB, at or above the first frame after the kernel.
expected=$(grep '^mmap: ' "$out/serial" | sed 's/.*base=0x\([0-9a-f]*\) len=0x\([0-9a-f]*\) type=\([0-9]*\).*/\1 \2 \3/' | {
  n=0
  while read -r b l t; do
    [ "$t" = 1 ] || continue
    lo=$(( (0x$b + 4095) / 4096 )); hi=$(( (0x$b + 0x$l) / 4096 ))
    [ $lo -lt $first ] && lo=$first
    [ $hi -gt $lo ] && n=$(( n + hi - lo ))
  done
  echo $n; })
top=$(grep '^mmap: .*type=1' "$out/serial" | sed 's/.*base=0x\([0-9a-f]*\) len=0x\([0-9a-f]*\).*/\1 \2/' | while read -r b l; do echo $(( (0x$b + 0x$l) / 1048576 )); done | sort -n | tail -n1)
if ! grep -q '^mmap: ' "$out/serial"; then
  why="the kernel printed no 'mmap: base=... len=... type=...' lines (serial: '$(head -c 120 "$out/serial")'): keep print_mmap(mb) in kmain, and MB_FLAGS 0x3 in boot.S so the loader passes the map"
  rest $all; exit 0
elif [ -z "$top" ] || [ "$top" -lt $((mem - 2)) ] || [ "$top" -gt "$mem" ]; then
  echo "FAIL memory-map the available RAM in the printed map ends at ${top:-?} MiB, but QEMU ran with -m $mem: print the map from mb->mmap_addr as the starter does"
else
  echo "PASS memory-map the loader's map was printed: available RAM up to $top MiB (QEMU -m $mem)"
fi

got=$(sed -n 's/^pmm: \([0-9]*\) frames free$/\1/p' "$out/serial" | head -n1)
if [ -z "$got" ]; then
  echo "FAIL free-count no line 'pmm: <n> frames free' on the serial port$(grep -m1 'unhandled' "$out/serial" | sed "s/^/ (the kernel said: /; s/$/)/")"
elif [ "$got" = "$expected" ]; then
  echo "PASS free-count pmm_init found $got free frames: every whole frame of the type-1 regions above kernel_end (0x$end)"
elif [ "$got" = 0 ]; then
  echo "FAIL free-count the allocator reports 0 free frames; the map has $expected above kernel_end: in pmm_init clear the bit of each frame wholly inside a type-1 region (TODO 1) and count it"
else
  echo "FAIL free-count the allocator reports $got free frames, the map has $expected whole 4 KiB frames in type-1 regions above kernel_end (0x$end): round each region's start up and its end down, skip types other than 1, keep frames below kernel_end used"
fi

set -- $(sed -n 's/^pmm: alloc 0x\([0-9a-f]*\)$/\1/p' "$out/serial" | head -n3)
want=$(printf '%x' $((first * 4096)))
if [ $# -lt 3 ]; then
  echo "FAIL alloc the kernel did not print three 'pmm: alloc 0x...' lines"
  why='fix "alloc" first'; rest reuse; exit 0
fi
a=$((0x$1)); b=$((0x$2)); c=$((0x$3))
if [ $a = 0 ] || [ $b = 0 ] || [ $c = 0 ]; then
  echo "FAIL alloc pmm_alloc returned 0 (no frame): find the lowest clear bit, set it and return frame * 4096 (TODO 2)"
elif [ $((a % 4096 + b % 4096 + c % 4096)) != 0 ]; then
  echo "FAIL alloc pmm_alloc returned 0x$1 0x$2 0x$3: a frame's address is its number times 4096, always 4 KiB aligned"
elif [ $a = $b ] || [ $b = $c ] || [ $a = $c ]; then
  echo "FAIL alloc pmm_alloc returned the same frame twice (0x$1 0x$2 0x$3): mark the frame used before returning it"
elif [ $a != $((first * 4096)) ]; then
  echo "FAIL alloc the first allocation was 0x$1, but the lowest free frame is 0x$want (the first frame after kernel_end): search from frame 0 upwards"
else
  echo "PASS alloc three allocations gave distinct, aligned frames from the lowest free one: 0x$1 0x$2 0x$3"
fi

after=$(sed -n 's/^pmm: \([0-9]*\) frames free after.*/\1/p' "$out/serial" | head -n1)
re=$(sed -n 's/^pmm: alloc 0x\([0-9a-f]*\) (after the free)$/\1/p' "$out/serial" | head -n1)
if [ -z "$after" ] || [ -z "$re" ]; then
  echo "FAIL reuse the kernel did not finish the demo (no 'frames free after' or 'alloc ... (after the free)' line)"
elif [ "${got:-0}" = 0 ]; then
  echo "FAIL reuse nothing was allocated, so nothing can be reused: fix free-count and alloc first"
elif [ "$after" != $((got - 2)) ]; then
  echo "FAIL reuse after 3 allocations and 1 free the count went from $got to $after, not $((got - 2)): decrement free_frames in pmm_alloc and increment it in pmm_free"
elif [ "$re" != "$2" ]; then
  echo "FAIL reuse freeing 0x$2 and allocating again gave 0x$re: pmm_free must clear the frame's bit so the lowest-first search finds it again"
else
  echo "PASS reuse freeing 0x$2 made it the next allocation again, and the free count went $got -> $after"
fi
exit 0
