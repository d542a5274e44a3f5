#!/bin/sh
# Checker for the module-timers lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Counts ticks over 2 s of guest time at the default period (100 ms) and at period_ms=50.
t=/tmp/r0-timers
f=/sys/kernel/timer_lab/ticks
rm -rf $t; mkdir -p $t
rmmod timer_lab 2>/dev/null
dmesg -C
# rate PERIOD_MS: ticks counted in 2 s (empty when the sysfs file is missing).
rate() {
  a=$(cat $f 2>/dev/null) || return 1
  sleep 2
  b=$(cat $f 2>/dev/null) || return 1
  echo $((b - a))
}
if ! insmod timer_lab.ko 2>$t/insmod.err; then
  for o in sysfs periodic period stops; do echo "FAIL $o insmod timer_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
if [ -r $f ]; then
  echo "PASS sysfs $f exists and reads $(cat $f)"
  n=$(rate)
  if [ "$n" -ge 14 ] && [ "$n" -le 26 ]; then echo "PASS periodic $n ticks in 2 s at period_ms=100 (about 20 expected)"
  elif [ "$n" -le 1 ]; then echo "FAIL periodic ticks went up by $n in 2 s: the timer fired once and stopped; re-arm it in timer_lab_fire with mod_timer(t, jiffies + msecs_to_jiffies(period_ms))"
  else echo "FAIL periodic $n ticks in 2 s at period_ms=100, expected about 20: re-arm the timer period_ms after each tick (msecs_to_jiffies(period_ms))"; fi
else
  echo "FAIL sysfs there is no $f: create the kobject with kobject_create_and_add(\"timer_lab\", kernel_kobj) and sysfs_create_file(kobj, &ticks_attr.attr)"
  echo "FAIL periodic cannot count ticks without $f"
fi
rmmod timer_lab 2>$t/rmmod.err || echo "INFO rmmod failed: $(cat $t/rmmod.err)"
if [ -e /sys/kernel/timer_lab ]; then echo "INFO /sys/kernel/timer_lab is still there after rmmod: kobject_put(kobj) in timer_lab_exit"; fi
if insmod timer_lab.ko period_ms=50 2>$t/insmod.err; then
  if [ -r $f ]; then
    n=$(rate)
    if [ "$n" -ge 28 ] && [ "$n" -le 52 ]; then echo "PASS period $n ticks in 2 s at period_ms=50 (about 40 expected)"
    else echo "FAIL period $n ticks in 2 s with period_ms=50, expected about 40: use period_ms (not a constant) when you arm and re-arm the timer"; fi
  else
    echo "FAIL period cannot count ticks without $f"
  fi
  sleep 0.3
  rmmod timer_lab 2>$t/rmmod.err
  # A pending timer left behind fires within one period; give it several.
  sleep 0.5
  if grep -q '^timer_lab ' /proc/modules; then echo "FAIL stops rmmod timer_lab failed: $(cat $t/rmmod.err)"
  elif [ -e /sys/kernel/timer_lab ]; then echo "FAIL stops /sys/kernel/timer_lab is still there after rmmod: kobject_put(kobj) in timer_lab_exit"
  elif dmesg | grep -qE 'BUG:|Oops|general protection'; then echo "FAIL stops the kernel oopsed after rmmod: $(dmesg | grep -E 'BUG:|Oops|general protection' | head -1); stop the timer with del_timer_sync() in timer_lab_exit"
  elif ! dmesg | grep -q 'timer_lab: stopped after'; then echo "FAIL stops no 'timer_lab: stopped after N ticks' in the kernel log: keep that pr_info in timer_lab_exit"
  else echo "PASS stops rmmod stopped the timer and removed /sys/kernel/timer_lab; no oops after it"; fi
else
  echo "FAIL period insmod timer_lab.ko period_ms=50 failed: $(cat $t/insmod.err)"
  echo "FAIL stops could not load the module a second time"
fi
rm -rf $t
