#!/bin/sh
# Checker for the driver-pci-walk lab, run in the guest from the lab folder: loads pci_walk.ko and
# compares every line it printed with the guest's own view of the bus: the vendor and device IDs read
# from each device's config space (/sys/bus/pci/devices/*/config) and the BARs in its resource file.
# Prints PASS/FAIL <objective> <message>.
t=/tmp/r0-pciwalk
rm -rf $t; mkdir -p $t
rmmod pci_walk 2>/dev/null
dmesg -C
if ! insmod pci_walk.ko 2>$t/insmod.err; then
  for o in walks-all ids-match bars-match unloads; do echo "FAIL $o insmod pci_walk.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
dmesg | sed -n 's/.*pci_walk: \([0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-9a-f]\) /\1 /p' > $t/lines
total=$(ls /sys/bus/pci/devices | wc -l)
listed=0; missing=; idbad=; barbad=; bars=0
for d in /sys/bus/pci/devices/*; do
  slot=${d##*/}
  line=$(grep -m1 "^$slot " $t/lines)
  [ -n "$line" ] || { missing="$missing $slot"; continue; }
  listed=$((listed + 1))
  # Config space offset 0: vendor ID, offset 2: device ID (little-endian 16-bit words).
  set -- $(od -An -tx2 -N4 $d/config)
  want="$1:$2"
  [ "$(echo "$line" | awk '{print $2}')" = "$want" ] || idbad="$slot printed $(echo "$line" | awk '{print $2}'), config space says $want"
  i=0
  while read -r start end flags; do
    [ $i -ge 6 ] && break
    if [ $((start)) -ne 0 ] || [ $((end)) -ne 0 ]; then
      bars=$((bars + 1))
      exp=$(printf 'bar%d=0x%x+0x%x' $i $((start)) $((end - start + 1)))
      echo "$line" | grep -qw -- "$exp" || barbad="$slot: expected $exp (from $d/resource), the line was '$line'"
    fi
    i=$((i + 1))
  done < $d/resource
done
count=$(dmesg | sed -n 's/.*pci_walk: \([0-9]*\) devices$/\1/p' | tail -n1)
if [ -z "$missing" ] && [ "$count" = "$total" ]; then
  echo "PASS walks-all pci_walk listed all $total PCI devices and counted $count"
elif [ "$listed" = 0 ]; then
  echo "FAIL walks-all pci_walk printed no device line (it said: '$(dmesg | grep -m1 "pci_walk: .* devices" | sed "s/^.*pci_walk/pci_walk/")'): loop with pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, pdev) until it returns NULL (TODO 1)"
else
  echo "FAIL walks-all pci_walk listed $listed of the $total devices in /sys/bus/pci/devices (missing:${missing:- none}) and counted ${count:-?}: print one line per device starting with pci_name(pdev)"
fi
if [ "$listed" = 0 ]; then
  echo "FAIL ids-match no device line to compare: fix walks-all first"
elif [ -n "$idbad" ]; then
  echo "FAIL ids-match $idbad: print pdev->vendor and pdev->device as %04x:%04x"
else
  echo "PASS ids-match every vendor:device pair matches the device's config space (e.g. $(awk 'NR==1 {print $1, $2}' $t/lines))"
fi
if [ "$listed" = 0 ]; then
  echo "FAIL bars-match no device line to compare: fix walks-all first"
elif [ -n "$barbad" ]; then
  echo "FAIL bars-match $barbad: for each BAR with pci_resource_len != 0 print bar<i>=0x<pci_resource_start>+0x<pci_resource_len>"
else
  echo "PASS bars-match all $bars BARs match the resource files (start and length)"
fi
if ! rmmod pci_walk 2>$t/rmmod.err; then
  echo "FAIL unloads rmmod pci_walk failed: $(cat $t/rmmod.err)"
elif dmesg | grep -qE 'BUG:|Oops|WARNING:'; then
  echo "FAIL unloads the kernel complained: $(dmesg | grep -m1 -E 'BUG:|Oops|WARNING:')"
else
  echo "PASS unloads rmmod pci_walk worked and the kernel logged no warning"
fi
rm -rf $t
