#!/bin/sh
# Host checker for oskernel-idt, run on the HOST from the lab folder: builds kernel.elf with make, boots
# it in its own QEMU (TCG, no display, no network, serial to a file, QEMU's interrupt log on, killed by
# pid after 8 s), then compares the serial output with what the CPU really did according to QEMU's log.
# Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() {
  [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }

if ! make -s -B kernel.elf > "$out/build.log" 2>&1; then
  echo "FAIL builds make failed: $(grep -m1 -E 'error|Error|undefined' "$out/build.log" || tail -n1 "$out/build.log")"
  why='fix the build first (objective "builds")'; rest divide-error handled frame-eip resumes
  exit 0
fi
echo "PASS builds make built kernel.elf"

qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
if [ -z "$qemu" ]; then
  why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest divide-error handled frame-eip resumes
  exit 0
fi
"$qemu" -accel tcg -m 64 -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -d int,cpu_reset -D "$out/int.log" -kernel kernel.elf > "$out/qemu.log" 2>&1 &
qpid=$!
i=0
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
timedout=0
if kill -0 "$qpid" 2>/dev/null; then timedout=1; kill -9 "$qpid"; fi
wait "$qpid" 2>/dev/null; status=$?
qpid=
serial=$(tr -d '\r' < "$out/serial.log" 2>/dev/null)
if [ ! -s "$out/int.log" ] && [ -s "$out/qemu.log" ]; then
  why="QEMU did not boot kernel.elf: $(head -n1 "$out/qemu.log")"; rest divide-error handled frame-eip resumes
  exit 0
fi

# QEMU logs every exception as "N: v=<vector> e=<error code> ... IP=<cs>:<eip> ...".
de=$(grep -m1 ' v=00 ' "$out/int.log" | sed -n 's/.* IP=[0-9a-f]*:\([0-9a-f]*\) .*/\1/p')
if [ -z "$de" ]; then
  echo "FAIL divide-error the CPU never raised a divide error (vector 0): keep the divl %ecx with ECX = 0 in kmain"
  why='no divide error happened (objective "divide-error")'; rest handled frame-eip resumes
  exit 0
fi
echo "PASS divide-error the CPU raised #DE (vector 0) at eip=0x$de"

line=$(printf '%s\n' "$serial" | grep -m1 '^exception ')
if grep -q ' v=08 ' "$out/int.log" || grep -qi 'triple fault' "$out/int.log"; then
  echo "FAIL handled #DE could not be delivered: the CPU escalated to a double fault (vector 8) and then a triple fault, which resets the machine. Vector 0 needs a present gate (type 0x8E, selector 0x08, isr0's address split in offset_low/offset_high) and lidt must load the table (limit sizeof(idt) - 1)"
  why='the exception was never handled (objective "handled")'; rest frame-eip resumes
  exit 0
fi
if [ -z "$line" ]; then
  echo "FAIL handled the divide error reached a gate but nothing printed 'exception 0 (divide error) at eip=0x...' on the serial port: print it in exception_handler"
  why='fix "handled" first'; rest frame-eip resumes
  exit 0
fi
echo "PASS handled your IDT delivered #DE to the handler without a double fault: '$line'"

got=$(printf '%s\n' "$line" | sed -n 's/.*eip=\(0x\)\{0,1\}\([0-9a-fA-F]*\).*/\2/p' | tr 'A-F' 'a-f')
if [ -n "$got" ] && [ $((0x$got)) -eq $((0x$de)) ]; then
  echo "PASS frame-eip the handler read the faulting eip 0x$de from the exception frame"
else
  echo "FAIL frame-eip the handler printed eip=${got:-?}, but the div was at 0x$de: print f->eip (the EIP the CPU pushed) in hex"
fi

if printf '%s\n' "$serial" | grep -qx 'resumed after #DE' && [ $status = 33 ]; then
  echo "PASS resumes IRET resumed after the div: kmain printed 'resumed after #DE' and powered off"
elif [ $timedout = 1 ] && [ "$(grep -c ' v=00 ' "$out/int.log")" -gt 1 ]; then
  echo "FAIL resumes the divide error repeated $(grep -c ' v=00 ' "$out/int.log") times until the 8 s timeout: IRET returns to the faulting div again; add the div's length (2 bytes) to f->eip"
else
  echo "FAIL resumes kmain did not print 'resumed after #DE' and power off (QEMU exit status $status): skip the 2-byte div in the handler (f->eip += 2), print the line after the div"
fi
exit 0
