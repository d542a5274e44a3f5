#!/bin/sh
# Host checker for oskernel-multiboot, run on the HOST from the lab folder: builds kernel.elf with make,
# boots it in its own QEMU (TCG, no display, no network, serial to a file, killed by pid after 8 s) and
# reads the serial output. Prints PASS/FAIL <objective> <message>.
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
  why='fix the build first (objective "builds")'; rest multiboot-header hello-serial boot-info powers-off
  exit 0
fi
# ELF magic, ELFCLASS32 (byte 4 = 1), e_machine EM_386 (bytes 18-19 = 3 0).
set -- $(od -An -v -tu1 -N20 kernel.elf)
if [ "$1 $2 $3 $4 $5" != "127 69 76 70 1" ] || [ "${19} ${20}" != "3 0" ]; then
  echo "FAIL builds kernel.elf is not a 32-bit i386 ELF: build with gcc -m32 and link with ld -m elf_i386"
  why='fix the build first (objective "builds")'; rest multiboot-header hello-serial boot-info powers-off
  exit 0
fi
echo "PASS builds make built kernel.elf, a 32-bit i386 ELF"

# The header: 0x1BADB002 (464367618) at a 4-byte boundary in the first 8 KiB, and magic+flags+checksum = 0 mod 2^32.
hdr=$(od -An -v -tu4 -N8192 kernel.elf | awk '{ for (i = 1; i <= NF; i++) w[n++] = $i }
  END { for (i = 0; i + 2 < n; i++) if (w[i] == 464367618) { printf "%d %d\n", i * 4, (w[i] + w[i+1] + w[i+2]) % 4294967296; exit } }')
if [ -z "$hdr" ]; then
  echo "FAIL multiboot-header no multiboot magic 0x1BADB002 in the first 8 KiB of kernel.elf: set MB_MAGIC in boot.S and keep the .multiboot section first in linker.ld"
  why='QEMU cannot boot kernel.elf without a multiboot header (objective "multiboot-header")'; rest hello-serial boot-info powers-off
  exit 0
fi
set -- $hdr
if [ "$2" != 0 ]; then
  echo "FAIL multiboot-header the header at file offset $1 has a bad checksum: magic + flags + checksum must be 0 (checksum = -(MB_MAGIC + MB_FLAGS))"
  why='QEMU rejects a header whose checksum is wrong (objective "multiboot-header")'; rest hello-serial boot-info powers-off
  exit 0
fi

qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
if [ -z "$qemu" ]; then
  why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest multiboot-header hello-serial boot-info powers-off
  exit 0
fi
# A memory size the kernel cannot guess, so boot-info must come from the multiboot structure.
case $(( $$ % 3 )) in 0) mem=48 ;; 1) mem=64 ;; *) mem=96 ;; esac
"$qemu" -accel tcg -m "$mem" -nodefaults -no-user-config -display none -nic none -no-reboot \
  -serial "file:$out/serial.log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel kernel.elf > "$out/qemu.log" 2>&1 &
qpid=$!
i=0
while kill -0 "$qpid" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
timedout=0
if kill -0 "$qpid" 2>/dev/null; then timedout=1; kill -9 "$qpid"; fi
wait "$qpid" 2>/dev/null; status=$?
qpid=
serial=$(tr -d '\r' < "$out/serial.log" 2>/dev/null)

if grep -q 'Error loading\|multiboot' "$out/qemu.log"; then
  echo "FAIL multiboot-header QEMU refused kernel.elf: $(head -n1 "$out/qemu.log")"
  why='QEMU could not load the kernel (objective "multiboot-header")'; rest hello-serial boot-info powers-off
  exit 0
fi
echo "PASS multiboot-header QEMU found the multiboot header at file offset $1 and booted kernel.elf"

if printf '%s\n' "$serial" | grep -qx 'Hello, kernel!'; then
  echo "PASS hello-serial the serial port printed 'Hello, kernel!'"
elif [ -n "$serial" ]; then
  echo "FAIL hello-serial the serial port printed '$(printf '%s' "$serial" | head -c 80)' but no line 'Hello, kernel!'"
else
  echo "FAIL hello-serial nothing reached the serial port: pass EAX/EBX to kmain, program the UART in serial_init and write each byte to port 0x3f8 once bit 5 of port 0x3fd is set (serial_putc)"
fi

line=$(printf '%s\n' "$serial" | grep -m1 '^multiboot: ')
lower=$(printf '%s\n' "$line" | sed -n 's/.*mem_lower=\([0-9]*\) KiB.*/\1/p')
upper=$(printf '%s\n' "$line" | sed -n 's/.*mem_upper=\([0-9]*\) KiB.*/\1/p')
if [ -z "$line" ]; then
  echo "FAIL boot-info no line 'multiboot: mem_lower=<n> KiB mem_upper=<n> KiB' on the serial port: check the magic in EAX (0x2BADB002), then print info->mem_lower and info->mem_upper in decimal"
elif [ -z "$lower" ] || [ -z "$upper" ]; then
  echo "FAIL boot-info '$line' is not 'multiboot: mem_lower=<n> KiB mem_upper=<n> KiB'"
elif [ "$lower" -ge 600 ] && [ "$lower" -le 640 ] && [ "$upper" -ge $(( (mem - 2) * 1024 )) ] && [ "$upper" -le $(( mem * 1024 )) ]; then
  echo "PASS boot-info the kernel read mem_lower=$lower KiB and mem_upper=$upper KiB from the multiboot info (QEMU had -m $mem)"
else
  echo "FAIL boot-info the kernel printed mem_lower=$lower mem_upper=$upper, but QEMU ran with -m $mem (expected about $(( (mem - 1) * 1024 )) KiB above 1 MiB): read them from the structure EBX points to"
fi

if [ $timedout = 1 ]; then
  echo "FAIL powers-off QEMU was still running after 8 s: write 0x10 to port 0xf4 (isa-debug-exit) at the end of kmain"
elif [ $status = 33 ]; then
  echo "PASS powers-off the kernel wrote 0x10 to the isa-debug-exit port: QEMU exited with status 33"
else
  echo "FAIL powers-off QEMU exited with status $status, not 33 (a triple fault or reset ends it with 0): write 0x10 to port 0xf4"
fi
exit 0
