#!/bin/sh
# Host checker for bootloader-stage2, run on the HOST from the lab folder: builds disk.img with make,
# boots it in its own QEMU (TCG, SeaBIOS, the image as an IDE disk, serial to a file, killed by pid
# after 8 s), then boots the same boot sector with a second stage the checker writes itself (holding a
# token it made up) to prove the boot sector really reads the disk. Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-boot.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="boot-sector prints loads-stage2 from-disk"

if ! make -s -B disk.img > "$out/build.log" 2>&1; then
  echo "FAIL builds make failed: $(grep -m1 -E 'rror|undefined' "$out/build.log" || tail -n1 "$out/build.log")"
  why='fix the build first (objective "builds")'; rest $all; exit 0
fi
size=$(wc -c < boot.bin)
if [ "$size" != 512 ]; then
  echo "FAIL builds boot.bin is $size bytes; a boot sector is exactly 512: keep .org 510 and the two signature bytes last"
  why='fix the build first (objective "builds")'; rest $all; exit 0
fi
echo "PASS builds make built disk.img with a 512-byte boot.bin"
qemu=$(command -v qemu-system-i386 || command -v qemu-system-x86_64)
[ -n "$qemu" ] || { why='qemu-system-i386 is not installed on the host: apt-get install qemu-system-x86'; rest $all; exit 0; }

boot() { # boot IMAGE SERIALFILE: runs QEMU on the image, sets $status
  "$qemu" -accel tcg -m 16 -nodefaults -no-user-config -display none -nic none -no-reboot \
    -serial "file:$2" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -drive "file=$1,format=raw,if=ide" > "$out/qemu.log" 2>&1 &
  qpid=$!
  i=0
  while kill -0 "$qpid" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$qpid" 2>/dev/null && kill -9 "$qpid"
  wait "$qpid" 2>/dev/null; status=$?; qpid=
}

sig=$(od -An -tx1 -j510 -N2 boot.bin | tr -d ' ')
if [ "$sig" != 55aa ]; then
  echo "FAIL boot-sector the last two bytes of boot.bin are $sig, not 55 aa: the BIOS skips a disk without the boot signature (.word 0xaa55 at offset 510)"
  why='the BIOS does not boot the sector (objective "boot-sector")'; rest prints loads-stage2 from-disk; exit 0
fi
cp disk.img "$out/own.img"
boot "$out/own.img" "$out/own.log"
serial=$(tr -d '\r' < "$out/own.log")
echo "PASS boot-sector boot.bin ends with the boot signature 55 aa, so the BIOS boots it"

if printf '%s\n' "$serial" | grep -qx 'boot: hello from the boot sector'; then
  echo "PASS prints the boot sector printed 'boot: hello from the boot sector' through int 0x14"
else
  echo "FAIL prints nothing like 'boot: hello from the boot sector' on the serial port (got '$(printf '%s' "$serial" | head -c 80)'): puts must send each byte with int 0x14, AH=1, DX=0, until the 0 byte (TODO 2)"
fi

if printf '%s\n' "$serial" | grep -q 'int 0x13 read failed'; then
  echo "FAIL loads-stage2 the boot sector reached disk_error: either int 0x13 failed (carry set, or fewer sectors than asked) or nothing after TODO 3 jumped away. Use AH=2, AL=2 sectors, CH=0, CL=2, DH=0, DL=the boot drive, ES:BX=0:0x7e00"
elif printf '%s\n' "$serial" | grep -q '^stage2: loaded by int 0x13' && [ $status = 33 ]; then
  echo "PASS loads-stage2 the second stage ran (its message lives in its second sector) and powered QEMU off"
else
  echo "FAIL loads-stage2 the second stage never printed 'stage2: loaded by int 0x13, running at 0x7e00' (QEMU exit status $status): read sectors 2-3 to 0x7e00 with int 0x13 and ljmp there (TODO 3)"
fi

# The checker's own second stage: prints a token only this run knows, then powers off.
token="r0-$$-$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')"
cat > "$out/s2.S" <<S2
.code16
.section .text
.global _start
_start:
    mov \$msg, %si
1:  lodsb
    test %al, %al
    jz 2f
    mov \$1, %ah
    xor %dx, %dx
    int \$0x14
    jmp 1b
2:  mov \$0xf4, %dx
    mov \$0x10, %al
    out %al, %dx
3:  hlt
    jmp 3b
.org 600
msg: .asciz "checker stage2 $token\r\n"
.org 1024
S2
if gcc -m32 -c "$out/s2.S" -o "$out/s2.o" 2> "$out/s2.err" && ld -m elf_i386 --oformat binary -e _start -Ttext 0x7e00 -o "$out/s2.bin" "$out/s2.o" 2>> "$out/s2.err"; then
  { cat boot.bin "$out/s2.bin"; } > "$out/theirs.img"; truncate -s 64K "$out/theirs.img"
  boot "$out/theirs.img" "$out/theirs.log"
  if tr -d '\r' < "$out/theirs.log" | grep -qx "checker stage2 $token"; then
    echo "PASS from-disk with the checker's own second stage in sectors 2-3, your boot sector loaded and ran it (token $token)"
  else
    echo "FAIL from-disk the checker put its own second stage in sectors 2-3 and your boot sector did not run it: load from the disk with int 0x13 (not from memory) and jump to 0x7e00 with ljmp \$0, \$0x7e00"
  fi
else
  echo "FAIL from-disk the checker could not assemble its own second stage: $(head -n1 "$out/s2.err")"
fi
exit 0
