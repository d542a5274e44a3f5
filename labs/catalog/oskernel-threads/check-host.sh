#!/bin/sh
# Host checker for oskernel-threads, run on the HOST from the lab folder: builds kernel.elf, boots it in
# its own QEMU (TCG, serial to a file, QEMU's interrupt log on, killed by pid after 10 s) and reads the
# two threads' lines: each in order, interleaved although neither thread ever yields.
# Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="threads-run own-stacks preemptive all-done"

if ! make -s -B kernel.elf > "$out/build.log" 2>&1; then
  echo "FAIL builds make failed: $(grep -m1 -E 'error|Error|undefined' "$out/build.log" || tail -n1 "$out/build.log")"
  why='fix the build first (objective "builds")'; rest $all; exit 0
fi
echo "PASS builds make built kernel.elf"
qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
[ -n "$qemu" ] || { why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest $all; exit 0; }
"$qemu" -accel tcg -m 64 -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -d int,cpu_reset -D "$out/int.log" -kernel kernel.elf > "$out/qemu.log" 2>&1 &
qpid=$!
i=0
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$qpid" 2>/dev/null && kill -9 "$qpid"
wait "$qpid" 2>/dev/null; qpid=
tr -d '\r' < "$out/serial.log" > "$out/serial" 2>/dev/null
said=$(grep -m1 -E 'unhandled|halting|did not finish' "$out/serial")
grep -E '^thread [AB]: (step [0-9]+|done)$' "$out/serial" > "$out/lines"
na=$(grep -c '^thread A' "$out/lines"); nb=$(grep -c '^thread B' "$out/lines")
crash=
grep -qi 'triple fault' "$out/int.log" && crash=' — the CPU triple-faulted (a switch_to that loads a bad ESP returns to garbage)'

if [ "$na" = 0 ] || [ "$nb" = 0 ]; then
  echo "FAIL threads-run thread A printed $na lines and thread B $nb: the timer must call schedule(), which must switch_to the next thread (TODO 1-3)${said:+; the kernel said: $said}$crash"
  why='both threads must run first (objective "threads-run")'; rest own-stacks preemptive all-done; exit 0
fi
echo "PASS threads-run both threads ran: A printed $na lines, B $nb"

# Each thread's steps 0..4 in order and then "done": its registers and stack survived every switch.
ok=1
for t in A B; do
  seq=$(grep "^thread $t" "$out/lines" | sed 's/^thread .: //' | tr '\n' ',')
  [ "$seq" = "step 0,step 1,step 2,step 3,step 4,done," ] || { ok=0; echo "FAIL own-stacks thread $t printed '$seq', not steps 0-4 then done: each thread needs its own stack, and switch_to must save and restore EBX, ESI, EDI, EBP and ESP exactly$crash"; break; }
done
[ $ok = 1 ] && echo "PASS own-stacks each thread printed its steps 0-4 in order and finished: registers and stacks survived the switches"

# Interleaving: how often consecutive lines change thread. Run-to-completion gives 1.
changes=$(sed 's/^thread \(.\).*/\1/' "$out/lines" | uniq | wc -l)
if [ $((changes - 1)) -ge 4 ]; then
  echo "PASS preemptive the output switched between A and B $((changes - 1)) times although neither thread yields: the timer preempts them"
else
  echo "FAIL preemptive the output switched between A and B only $((changes - 1)) times: neither thread yields, so schedule() must run from the timer's tick_hook on every tick (sched_init sets it) and switch round robin"
fi

sw=$(sed -n 's/^sched: all threads done after \([0-9]*\) context switches$/\1/p' "$out/serial")
if [ -n "$sw" ] && [ "$sw" -ge 4 ]; then
  echo "PASS all-done kmain (thread 0) got the CPU back and saw both threads done after $sw context switches"
else
  echo "FAIL all-done kmain never printed 'sched: all threads done after N context switches'${said:+ (it said: $said)}: schedule() must come back to thread 0 too, and count every switch in switches"
fi
exit 0
