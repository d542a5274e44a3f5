#!/bin/sh
# Checker for the module-params lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
p=/sys/module/params_lab/parameters
rmmod params_lab 2>/dev/null
if ! insmod params_lab.ko 2>/tmp/insmod.err; then
  echo "FAIL int-param insmod params_lab.ko failed: $(cat /tmp/insmod.err)"
  exit 0
fi
if [ "$(cat $p/count 2>/dev/null)" = 1 ]; then echo "PASS int-param count defaults to 1"; else echo "FAIL int-param $p/count is missing or not 1: declare it with module_param(count, int, 0444)"; fi
if [ "$(cat $p/name 2>/dev/null)" = world ]; then echo "PASS charp-param name defaults to world"; else echo "FAIL charp-param $p/name is missing or not 'world': add static char *name = \"world\"; module_param(name, charp, 0444);"; fi
rmmod params_lab
dmesg -C
if ! insmod params_lab.ko count=3 name=kernel 2>/tmp/insmod.err; then
  echo "FAIL uses-params insmod with count=3 name=kernel failed: $(cat /tmp/insmod.err)"
else
  n=$(dmesg | grep -c 'params_lab: hello kernel')
  if [ "$n" = 3 ]; then echo "PASS uses-params printed hello kernel 3 times"; else echo "FAIL uses-params expected 3 lines 'params_lab: hello kernel' in dmesg, found $n"; fi
  rmmod params_lab
fi
