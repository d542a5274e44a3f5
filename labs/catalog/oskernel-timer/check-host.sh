#!/bin/sh
# Host checker for oskernel-timer, run on the HOST from the lab folder: builds kernel.elf, boots it in its
# own QEMU (TCG, serial to a file, QEMU's interrupt log on, killed by pid after 10 s) and times the run
# with the host clock: 300 ticks at 100 Hz take 3 s. Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="remapped ticks-counted pit-100hz"

if ! make -s -B kernel.elf > "$out/build.log" 2>&1; then
  echo "FAIL builds make failed: $(grep -m1 -E 'error|Error|undefined' "$out/build.log" || tail -n1 "$out/build.log")"
  why='fix the build first (objective "builds")'; rest $all; exit 0
fi
echo "PASS builds make built kernel.elf"
qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
[ -n "$qemu" ] || { why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest $all; exit 0; }
t0=$(date +%s%N)
"$qemu" -accel tcg -m 64 -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -d int -D "$out/int.log" -kernel kernel.elf > "$out/qemu.log" 2>&1 &
qpid=$!
i=0
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
timedout=0
if kill -0 "$qpid" 2>/dev/null; then timedout=1; kill -9 "$qpid"; fi
wait "$qpid" 2>/dev/null; qpid=
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
tr -d '\r' < "$out/serial.log" > "$out/serial" 2>/dev/null
said=$(grep -m1 -E 'unhandled|halting' "$out/serial")
irq0=$(grep -c ' v=20 e=0000 i=0 ' "$out/int.log")

if grep -q '^unhandled interrupt 8 ' "$out/serial"; then
  echo "FAIL remapped the timer's IRQ 0 arrived on vector 8, the double-fault vector, where the BIOS left the PIC: remap the PICs to vectors 32-47 in pic_remap (TODO 1)"
  why='IRQ 0 never reached vector 32 (objective "remapped")'; rest ticks-counted pit-100hz; exit 0
elif [ "$irq0" = 0 ]; then
  echo "FAIL remapped no interrupt arrived on vector 32 (QEMU logged none)${said:+; the kernel said: $said}: remap the PICs (TODO 1), unmask IRQ 0 (0xFE to port 0x21), program the PIT (TODO 2), and keep the sti in timer_demo"
  why='no timer interrupt arrived (objective "remapped")'; rest ticks-counted pit-100hz; exit 0
elif [ -n "$said" ]; then
  echo "FAIL remapped IRQ 0 reached vector 32, but the kernel said: $said — register timer_irq for IRQ_BASE + 0 and keep every other IRQ masked"
else
  echo "PASS remapped IRQ 0 arrives on vector 32 ($irq0 times), no IRQ on an exception vector"
fi

lines=$(grep -c '^timer: uptime [0-9]* s, ticks=[0-9]*$' "$out/serial")
if [ "$irq0" = 1 ]; then
  echo "FAIL ticks-counted exactly one timer interrupt arrived, then none: acknowledge each one with pic_eoi(0) in timer_irq (TODO 3)"
elif grep -qx 'timer: uptime 3 s, ticks=300' "$out/serial" && [ "$lines" = 3 ]; then
  echo "PASS ticks-counted the handler counted every tick: uptime 1, 2, 3 s at ticks 100, 200, 300"
else
  echo "FAIL ticks-counted expected 'timer: uptime 1 s, ticks=100' .. '3 s, ticks=300' from timer_demo, got $lines uptime lines ($(grep -m1 '^timer: uptime' "$out/serial"))${said:+; the kernel said: $said}: increment ticks in timer_irq (TODO 3)"
fi

if [ $timedout = 1 ] && [ "$irq0" -gt 1 ]; then
  echo "FAIL pit-100hz $irq0 ticks in 10 s is about $((irq0 / 10)) Hz, not 100: the divisor is PIT_HZ / 100 = 11931, low byte then high byte to port 0x40 after 0x36 to 0x43 (TODO 2)"
elif ! grep -qx 'timer: uptime 3 s, ticks=300' "$out/serial"; then
  echo "FAIL pit-100hz the kernel never reached 300 ticks, so the rate cannot be measured: fix ticks-counted first"
elif [ $ms -lt 2500 ]; then
  echo "FAIL pit-100hz 300 ticks took only $ms ms of host time: the timer runs faster than 100 Hz — the divisor is PIT_HZ / hz (11931), not hz"
elif [ $ms -gt 8000 ]; then
  echo "FAIL pit-100hz 300 ticks took $ms ms of host time (3000 expected): the timer runs slower than 100 Hz; check the divisor PIT_HZ / hz"
else
  echo "PASS pit-100hz 300 ticks took $ms ms of host time, boot included: 100 Hz"
fi
exit 0
