// What a lab's requirements mean in a running VM: a probe per requirement (a guest shell script that
// exits 0 when it is met) and the words checkers use when it is not, so a test or a view can tell
// "this machine cannot run the lab" from "the lab is broken".
import type { LabRequirements } from './manifest';

export interface RequirementProbe {
  requirement: keyof LabRequirements;
  /** What is needed, for messages. */
  needs: string;
  /** Run with `sh -c` in the guest as root; exit status 0 when the requirement is met. */
  script: string;
  /** A checker's FAIL messages for objectives it cannot check without the requirement match this. */
  unmetMessage: RegExp;
}

/** The probes for a lab's requirements; requirements without a guest probe (fullKernel, qemuDevices) give none. */
export function requirementProbes(req: LabRequirements): RequirementProbe[] {
  const probes: RequirementProbe[] = [];
  if (req.kvm) {
    probes.push({
      requirement: 'kvm',
      needs: 'a usable /dev/kvm inside the VM (nested virtualization)',
      // The cloud kernel has KVM as modules; they load only when the VM's CPU has vmx or svm.
      script: '[ -c /dev/kvm ] || modprobe kvm_intel 2>/dev/null || modprobe kvm_amd 2>/dev/null; [ -c /dev/kvm ]',
      unmetMessage: /^needs KVM: /,
    });
  }
  return probes;
}
