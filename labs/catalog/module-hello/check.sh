#!/bin/sh
# Checker for the module-hello lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
ko=hello_lab.ko
rmmod hello_lab 2>/dev/null
dmesg -C
if ! insmod "$ko" 2>/tmp/insmod.err; then
  echo "FAIL loads insmod $ko failed: $(cat /tmp/insmod.err)"
  exit 0
fi
echo "PASS loads insmod $ko worked"
if grep -q '^hello_lab ' /proc/modules; then echo "PASS listed lsmod lists hello_lab"; else echo "FAIL listed hello_lab is not in lsmod after insmod"; fi
if dmesg | grep -q 'hello_lab: Hello, Ring0'; then
  echo "PASS greets the kernel log says hello"
else
  echo "FAIL greets no 'hello_lab: Hello, Ring0' in dmesg: print it with pr_info() in hello_lab_init"
fi
if ! rmmod hello_lab 2>/tmp/rmmod.err; then
  echo "FAIL unloads rmmod hello_lab failed: $(cat /tmp/rmmod.err)"
elif dmesg | grep -q 'hello_lab: Goodbye, Ring0'; then
  echo "PASS unloads rmmod worked and it said goodbye"
else
  echo "FAIL unloads rmmod worked, but no 'hello_lab: Goodbye, Ring0' in dmesg: print it in hello_lab_exit"
fi
