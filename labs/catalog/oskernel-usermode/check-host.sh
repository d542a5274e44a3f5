#!/bin/sh
# Host checker for oskernel-usermode, run on the HOST from the lab folder: builds kernel.elf, boots it in
# its own QEMU (TCG, serial to a file, QEMU's interrupt log on, killed by pid after 8 s), and matches
# what the user program wrote with the int 0x80s QEMU logged (their CPL) and the timer interrupts that
# hit ring 3. Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="ring3 syscall-write efault exit"

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
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$qpid" 2>/dev/null && kill -9 "$qpid"
wait "$qpid" 2>/dev/null; qpid=
tr -d '\r' < "$out/serial.log" > "$out/serial" 2>/dev/null
said=$(grep -m1 -E 'unhandled|halting|enter_user returned' "$out/serial")
u3=$(grep -c ' cpl=3 ' "$out/int.log")
gp=$(grep -m1 ' v=0d .* cpl=3 ' "$out/int.log")
tf=$(grep -m1 ' v=0[ad] .* cpl=0 ' "$out/int.log")
sys=$(grep -c ' v=80 .* cpl=3 ' "$out/int.log")

if [ "$u3" = 0 ]; then
  if grep -q 'enter_user returned' "$out/serial"; then
    echo "FAIL ring3 enter_user returned: it must IRET to ring 3 with SS, ESP, EFLAGS, CS (0x1b), EIP on the stack (TODO 3)"
  elif [ -n "$tf" ] || grep -qi 'triple fault' "$out/int.log"; then
    echo "FAIL ring3 the CPU faulted in ring 0 (${tf:+vector $(echo "$tf" | sed 's/.* v=\(..\) .*/\1/')}) before reaching ring 3: a #GP or #TS at the IRET or at ltr means a bad selector or TSS descriptor (TODO 1, 3)"
  else
    echo "FAIL ring3 the CPU never ran at CPL 3 (QEMU logged no interrupt from ring 3)${said:+; the kernel said: $said}"
  fi
  why='fix "ring3" first'; rest syscall-write efault exit; exit 0
fi
timer3=$(grep -c ' v=20 .* cpl=3 ' "$out/int.log")
if grep -q ' v=0a \| v=08 ' "$out/int.log"; then
  echo "FAIL ring3 an interrupt from ring 3 could not switch stacks (invalid TSS or double fault in QEMU's log): tss.ss0 = 0x10, tss.esp0 = top of kernel_stack, descriptor type 0x89, then ltr 0x28 (TODO 1)"
elif [ "$timer3" = 0 ] && [ "$sys" = 0 ]; then
  echo "FAIL ring3 code ran in ring 3 but no interrupt from ring 3 was taken: interrupts from user mode need the TSS's ss0:esp0 (TODO 1)"
else
  echo "PASS ring3 user_main ran at CPL 3 and the kernel took $timer3 timer interrupts and $sys system calls from it on the TSS's kernel stack"
fi

if [ -n "$gp" ] && [ "$sys" = 0 ]; then
  echo "FAIL syscall-write int 0x80 from ring 3 raised a general protection fault (vector 13): the gate's DPL must be 3 — type 0xEE, not 0x8E (TODO 2)"
  why='fix "syscall-write" first'; rest efault exit; exit 0
elif grep -qx 'hello from ring 3' "$out/serial" && [ "$sys" -ge 1 ]; then
  echo "PASS syscall-write 'hello from ring 3' reached the serial port through write(), int 0x80 from CPL 3 ($sys system calls)"
else
  echo "FAIL syscall-write $sys int 0x80 from ring 3 arrived, but 'hello from ring 3' never printed${said:+ (the kernel said: $said)}: in syscall() print the len = EDX bytes at ECX for SYS_write (EAX = 1) and return len in f->eax (TODO 4)"
fi

if grep -qx 'write(kernel pointer) = -EFAULT' "$out/serial"; then
  echo "PASS efault write() refused a buffer in kernel memory (0x100000) with -EFAULT: the kernel reads only user pages on ring 3's behalf"
elif grep -q 'was allowed' "$out/serial"; then
  echo "FAIL efault write(1, 0x100000, 16) — a kernel address — was allowed: check the buffer with user_range and return -EFAULT (-14) otherwise"
else
  echo "FAIL efault the user program did not report the result of write(kernel pointer): return -EFAULT for buffers outside the user pages (TODO 4)"
fi

st=$(sed -n 's/^kernel: user task exited with status \(-\{0,1\}[0-9]*\) (it ran with cs=0x\([0-9a-f]*\))$/\1 \2/p' "$out/serial")
if [ "$st" = "7 0000001b" ]; then
  echo "PASS exit exit(7) from ring 3 (cs 0x1b) ended the task: 'kernel: user task exited with status 7'"
else
  echo "FAIL exit expected 'kernel: user task exited with status 7 (it ran with cs=0x0000001b)' for SYS_exit (EAX = 2, status in EBX), got '${st:-no such line}'"
fi
exit 0
