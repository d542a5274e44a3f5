#!/bin/sh
# Checker for the kvm-vmm lab, run in the guest from the lab folder: compiles vmm.c with the host's cc,
# then — only where /dev/kvm is usable in this VM (nested virtualization) — runs it and reads its output.
# Without KVM every run objective fails with a "needs KVM" message that says why. Unloads the KVM
# modules again if it loaded them.
# Prints PASS/FAIL <objective> <message>.
work=/tmp/ring0-kvm-vmm
rm -rf "$work"; mkdir -p "$work"
loaded=0
cleanup() {
  [ $loaded = 1 ] && rmmod kvm_intel kvm_amd kvm 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
rest() { for o in "$@"; do echo "FAIL $o $why"; done; }

if ! cc -O2 -Wall -o "$work/vmm" vmm.c > "$work/cc.log" 2>&1; then
  echo "FAIL builds cc -O2 -Wall vmm.c failed: $(grep -m1 'error' "$work/cc.log" || tail -n1 "$work/cc.log")"
  why='fix the build first (objective "builds")'; rest creates-vm runs-to-hlt io-exit; exit 0
fi
echo "PASS builds cc -O2 -Wall vmm.c"

# Is KVM usable here? The VM's kernel has KVM as modules; they load only on a CPU with vmx/svm,
# which a VM has only with nested virtualization.
if [ ! -c /dev/kvm ]; then
  modprobe kvm_intel 2>/dev/null || modprobe kvm_amd 2>/dev/null
  [ -c /dev/kvm ] && loaded=1
fi
if [ ! -c /dev/kvm ]; then
  if ! grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo; then
    reason="this VM's CPU has no vmx/svm flag, so there is no /dev/kvm (the host's KVM has nested virtualization off, or QEMU's -cpu model hides vmx/svm)"
  else
    reason="/dev/kvm is missing although the CPU has vmx/svm: modprobe kvm_intel (or kvm_amd) failed"
  fi
  why="needs KVM: $reason. Run this lab where the Ring0 VM's CPU has vmx/svm: with accel 'kvm', the host's nested virtualization on (cat /sys/module/kvm_intel/parameters/nested or kvm_amd); under TCG, QEMU's default -cpu max emulates AMD SVM. Your vmm.c builds; you can also run it directly on a Linux host with /dev/kvm."
  rest creates-vm runs-to-hlt io-exit; exit 0
fi

timeout 10 "$work/vmm" > "$work/out" 2> "$work/err"
status=$?
err=$(head -n1 "$work/err")
if grep -q '^KVM API version 12$' "$work/out" && grep -q '^created a VM with one vCPU$' "$work/out"; then
  echo "PASS creates-vm opened /dev/kvm (API version 12) and created a VM with one vCPU"
else
  echo "FAIL creates-vm expected the lines 'KVM API version 12' and 'created a VM with one vCPU' (exit $status${err:+: $err})"
fi
if [ $status = 0 ] && [ "$(tail -n1 "$work/out")" = KVM_EXIT_HLT ]; then
  echo "PASS runs-to-hlt KVM_RUN returned with exit_reason KVM_EXIT_HLT and the VMM exited 0"
elif [ $status = 124 ]; then
  echo "FAIL runs-to-hlt the VMM was still running after 10 s: loop on KVM_RUN until KVM_EXIT_HLT, then exit"
else
  echo "FAIL runs-to-hlt the VMM exited $status without printing KVM_EXIT_HLT last${err:+: $err}: set up the memory region, CS base/selector 0, RIP 0x1000, RFLAGS 0x2"
fi
if grep -q '^Hi$' "$work/out"; then
  echo "PASS io-exit the guest's out instructions to port 0x3f8 came back as KVM_EXIT_IO and the VMM printed 'Hi'"
else
  echo "FAIL io-exit no line 'Hi' in the VMM's output: add the out instructions to guest_code and print the bytes of each KVM_EXIT_IO to port 0x3f8"
fi
