#!/bin/sh
# Host checker for oskernel-paging, run on the HOST from the lab folder: builds kernel.elf, boots it in
# its own QEMU (TCG, serial to a file, QEMU's interrupt log on, killed by pid after 8 s), then compares
# what the kernel printed with the page faults QEMU logged (vector 14, CR2, error code, CR0).
# Prints PASS/FAIL <objective> <message>.
out=$(mktemp -d "${TMPDIR:-/tmp}/ring0-oskernel.XXXXXX") || exit 1
qpid=
cleanup() { [ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }
all="paging-on higher-half fault-decoded demand-map"

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
said=$(grep -m1 -E 'unhandled|halting|TODO' "$out/serial")

# paging-on: the kernel got past setting CR0.PG, and QEMU's register dump at a fault shows PG set.
cr0=$(grep -A20 ' v=0e ' "$out/int.log" | grep -m1 '^CR0=' | sed 's/^CR0=\([0-9a-f]*\).*/\1/')
if ! grep -qx 'paging: enabled' "$out/serial"; then
  if grep -qi 'triple fault' "$out/int.log"; then
    echo "FAIL paging-on the CPU triple-faulted right after paging went on: the next instruction fetch found no mapping for EIP — identity-map the first 4 MiB (low_table, page_dir[0]) before setting CR0.PG"
  else
    echo "FAIL paging-on the kernel never printed 'paging: enabled'${said:+ (it said: $said)}"
  fi
elif [ -z "$cr0" ]; then
  echo "FAIL paging-on no page fault was logged, so paging never came on (with paging off, 0xDEAD0000 is just unbacked memory): load CR3 with page_dir and set CR0 bit 31 in paging_init (TODO 1)"
elif [ $(( 0x$cr0 & 0x80000000 )) = 0 ]; then
  echo "FAIL paging-on QEMU's log shows CR0=${cr0:-?} at the first exception: PG (bit 31) is off — load CR3 with page_dir and set CR0 bit 31 in paging_init (TODO 1)"
else
  echo "PASS paging-on CR0=$cr0 (PG set) and the kernel ran on after enabling paging: the identity map holds"
fi

# higher-half: data and code reached through 0xC0000000 + their physical addresses.
set -- $(nm -S kernel.elf | awk '$4 == "where_am_i" { print $1, $2 }')
m=$(grep -m1 '^paging: marker at' "$out/serial")
eip=$(sed -n 's/^paging: where_am_i runs at eip=0x\([0-9a-f]*\)$/\1/p' "$out/serial" | head -n1)
if [ $# -lt 2 ]; then
  echo "FAIL higher-half kernel.elf has no function where_am_i: keep it from the starter's kernel.c"
elif ! printf '%s\n' "$m" | grep -q 'reads 0x600df00d through 0xc0'; then
  echo "FAIL higher-half reading the marker through 0xC0000000 + its address gave '${m:-nothing}'${said:+ (the kernel said: $said)}: map the same page table at page_dir[KERNEL_VIRT >> 22] (entry 768)"
elif [ -z "$eip" ] || [ $((0x$eip)) -lt $((0xc0000000 + 0x$1)) ] || [ $((0x$eip)) -ge $((0xc0000000 + 0x$1 + 0x$2)) ]; then
  echo "FAIL higher-half where_am_i, called through its alias, reported eip=${eip:-?}; expected inside 0x$(printf '%x' $((0xc0000000 + 0x$1)))..+0x$2"
else
  echo "PASS higher-half the marker reads 0x600df00d through 0xc0000000 + its address, and where_am_i ran at eip=0x$eip (its alias)"
fi

# fault-decoded: every page fault QEMU logged matches a line the handler printed.
grep ' v=0e ' "$out/int.log" | sed 's/.* e=\([0-9a-f]*\) .* CR2=\([0-9a-f]*\).*/\1 \2/' > "$out/faults"
n=$(wc -l < "$out/faults")
if [ "$n" = 0 ]; then
  echo "FAIL fault-decoded no page fault happened (QEMU logged no vector 14): keep the writes to 0xDEAD0000 and the read at 0xDEAD5000 in paging_demo, after paging_init — with paging off they fault nowhere"
  why='no page fault to map (objective "fault-decoded")'; rest demand-map; exit 0
fi
bad=
while read -r e c; do
  e=$((0x$e)); words="$([ $((e & 1)) = 1 ] && echo protection || echo not-present), $([ $((e & 2)) = 2 ] && echo write || echo read), $([ $((e & 4)) = 4 ] && echo user || echo kernel)"
  line=$(printf 'page fault: cr2=0x%08x err=0x%08x (%s)' $((0x$c)) $e "$words")
  grep -qF "$line" "$out/serial" || { bad="QEMU logged a fault at cr2=0x$c with error code $e, so the handler must print '$line at eip=...'"; break; }
done < "$out/faults"
if [ -n "$bad" ]; then
  echo "FAIL fault-decoded $bad (it printed: '$(grep -m1 'page fault' "$out/serial")'): read CR2 and decode bits 0-2 of the error code (TODO 2)"
else
  echo "PASS fault-decoded each of the $n page faults QEMU logged was printed with its CR2 and decoded error code ($(grep -m1 '^page fault: cr2' "$out/serial" | sed 's/ at eip.*//'))"
fi

w=$(grep -c 'CR2=dead0000' "$out/faults")
if grep -qx 'paging: wrote 0x0000cafe at 0xdead0000' "$out/serial" && grep -q '^paging: read 0x[0-9a-f]* at 0xdead5000$' "$out/serial" && [ "$n" -le 3 ]; then
  echo "PASS demand-map both faults in the demand window got a fresh frame and the instructions retried: the write of 0xcafe at 0xdead0000 reads back, the read at 0xdead5000 completed"
elif [ "$n" -gt 3 ]; then
  echo "FAIL demand-map QEMU logged $n page faults: the same access faulted again after the handler returned — map_page must make the page present (TODO 3) before the handler returns"
else
  echo "FAIL demand-map the kernel did not get past the faults at 0xDEAD0000/0xDEAD5000${said:+ (it said: $said)}: for a not-present fault in the demand window map a fresh frame with map_page and return (TODO 2, 3)"
fi
exit 0
