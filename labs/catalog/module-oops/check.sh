#!/bin/sh
# Checker for the module-oops lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Reads /dev/oops_lab in a child process. An oops there (process context, panic_on_oops=0) kills only
# that process; the checker reports where it happened and puts the console log level back.
t=/tmp/r0-oops
rm -rf $t; mkdir -p $t
rmmod oops_lab 2>/dev/null
loglevel=$(awk '{print $1}' /proc/sys/kernel/printk)
dmesg -C
if ! insmod oops_lab.ko 2>$t/insmod.err; then
  for o in no-oops reads unloads; do echo "FAIL $o insmod oops_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
if [ ! -c /dev/oops_lab ]; then
  for o in no-oops reads unloads; do echo "FAIL $o there is no /dev/oops_lab after insmod: keep the misc_register() in oops_lab_init"; done
  rmmod oops_lab; exit 0
fi
sh -c 'exec cat /dev/oops_lab' > $t/out 2>$t/err
rc=$?
# An oops sets the console log level to the maximum (console_verbose); later labs want it quiet again.
echo "$loglevel" > /proc/sys/kernel/printk
if dmesg | grep -qE 'BUG:|Oops:|general protection fault'; then
  summary=$(dmesg | grep -m1 -E 'BUG:|general protection fault|Oops:' | sed 's/^\[[^]]*\] *//')
  rip=$(dmesg | grep -m1 'RIP: 0010:' | sed 's/.*RIP: 0010://')
  fn=${rip%%+*}
  off=$(echo "$rip" | sed -n 's/^[^+]*+\(0x[0-9a-f]*\)\/.*/\1/p')
  where=""
  base=$(nm oops_lab.ko 2>/dev/null | awk -v f="$fn" '$3 == f {print $1; exit}')
  if [ -n "$base" ] && [ -n "$off" ]; then
    src=$(addr2line -e oops_lab.ko "$(printf '0x%x' $((0x$base + off)))" 2>/dev/null)
    file=${src%%:*}; line=${src##*:}
    case "$line" in
      ''|*[!0-9]*) ;;
      *) where=", which is $(basename "$file"):$line: $(sed -n "${line}p" "$(basename "$file")" | sed 's/^[[:space:]]*//')" ;;
    esac
  fi
  printf '%s\n' "FAIL no-oops reading /dev/oops_lab oopsed the kernel: '$summary' at $rip$where. The kernel killed the reader (exit $rc). Which pointer is NULL on that line, and why did oops_lab_init not set it? (Full report: dmesg, or ring0 vm status.)"
  echo "FAIL reads the read never returned: the oops killed the reading process"
else
  echo "PASS no-oops reading /dev/oops_lab did not oops"
  got=$(cat $t/out)
  if [ $rc = 0 ] && [ "$got" = "oops_lab: hello from a configured module (version 1)" ]; then
    echo "PASS reads /dev/oops_lab says: $got"
  else
    echo "FAIL reads reading /dev/oops_lab gave '$got' (exit $rc, $(cat $t/err)); expected 'oops_lab: hello from a configured module (version 1)': the configuration set up in oops_lab_init must be the one oops_lab_read uses"
  fi
fi
if rmmod oops_lab 2>$t/rmmod.err; then
  echo "PASS unloads rmmod oops_lab worked"
else
  echo "FAIL unloads rmmod oops_lab failed: $(cat $t/rmmod.err)"
fi
rm -rf $t
