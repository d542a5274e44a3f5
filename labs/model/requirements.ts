// What a lab needs beyond the default VM (KVM inside the guest, Debian's full kernel, an extra QEMU
// device), whether this machine has it, and a sentence that says what to do when it does not; plus
// the in-guest probes that tell a checker (and the tests) whether the running VM meets them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { LabRequirements } from './manifest';
import { kvmUsable } from '../../kernel/vm/accel';
import { qemuBinary } from '../../kernel/vm/vm';

export interface HostFacts {
  /** KVM on the host and nested virtualization on, so the guest can have /dev/kvm. */
  nestedKvm: { ok: boolean; reason: string };
  /** The newest Debian full (non-cloud) kernel release in /boot, if any. */
  fullKernel?: string;
  /** QEMU's device names (`-device help`); undefined when QEMU could not be asked. */
  qemuDevices?: ReadonlySet<string>;
}

export interface RequirementStatus {
  /** kvm | fullKernel | device:<name> */
  key: string;
  /** Short badge text, e.g. "needs KVM". */
  label: string;
  met: boolean;
  /** Why it is (not) met and what to do. */
  detail: string;
}

export function evaluateRequirements(req: LabRequirements, facts: HostFacts): RequirementStatus[] {
  const out: RequirementStatus[] = [];
  if (req.kvm) {
    out.push({
      key: 'kvm',
      label: 'needs KVM',
      met: facts.nestedKvm.ok,
      detail: facts.nestedKvm.ok
        ? `The guest can use KVM: ${facts.nestedKvm.reason}.`
        : `This lab runs a VM inside the Ring0 VM, so the guest needs /dev/kvm, which this machine cannot give it (${facts.nestedKvm.reason}). You can read the steps and write the code here; the checker passes on a host with KVM and nested virtualization (e.g. a Linux laptop, or a cloud VM with nested virtualization on).`,
    });
  }
  if (req.fullKernel) {
    out.push({
      key: 'fullKernel',
      label: 'needs full kernel',
      met: !!facts.fullKernel,
      detail: facts.fullKernel
        ? `Debian's full kernel ${facts.fullKernel} is installed in /boot.`
        : "This lab needs Debian's full kernel (drivers the cloud kernel leaves out). Install it with `apt-get install linux-image-amd64` (Ring0: Install Missing Dependencies does not do it for you).",
    });
  }
  for (const d of req.qemuDevices ?? []) {
    const known = facts.qemuDevices?.has(d);
    out.push({
      key: `device:${d}`,
      label: `needs QEMU device ${d}`,
      met: known === true,
      detail: known === true
        ? `The VM needs QEMU's ${d} device (-device ${d}); this QEMU has it.`
        : known === false
          ? `The VM needs QEMU's ${d} device (-device ${d}), which this QEMU (${qemuBinary()}) does not provide: install a QEMU that has it (Debian's qemu-system-x86 does).`
          : `The VM needs QEMU's ${d} device (-device ${d}); QEMU could not be asked whether it has it (is qemu-system-x86_64 installed? Run Ring0: About / Doctor).`,
    });
  }
  return out;
}

/** Reads Y/1 from kvm_intel's or kvm_amd's `nested` parameter. */
function nestedOn(): boolean | undefined {
  for (const m of ['kvm_intel', 'kvm_amd']) {
    const f = `/sys/module/${m}/parameters/nested`;
    if (existsSync(f)) return /^[Y1]/.test(readFileSync(f, 'utf8').trim());
  }
  return undefined;
}

export function parseDeviceHelp(out: string): Set<string> {
  return new Set([...out.matchAll(/^name "([^"]+)"/gm)].map((m) => m[1]));
}

let cachedDevices: { devices?: ReadonlySet<string> } | undefined;

/** This machine's facts; QEMU is asked once per process and only when `needDevices`. */
export function hostFacts(needDevices: boolean): HostFacts {
  const kvm = kvmUsable();
  const nested = kvm.ok ? nestedOn() : undefined;
  // Without host KVM the VM runs under TCG with `-cpu max`, which emulates AMD SVM: the guest's
  // kvm_amd loads and /dev/kvm works there (slowly), as the kvm-vmm lab's checker shows.
  const nestedKvm = !kvm.ok ? { ok: true, reason: `the VM runs under TCG (${kvm.reason}), whose emulated CPU has SVM` } : nested === false ? { ok: false, reason: 'KVM works on the host but nested virtualization is off' } : { ok: true, reason: nested ? 'KVM with nested virtualization' : kvm.reason };
  let fullKernel: string | undefined;
  try {
    fullKernel = readdirSync('/boot').filter((n) => /^vmlinuz-.*-amd64$/.test(n) && !n.endsWith('-cloud-amd64')).map((n) => n.slice('vmlinuz-'.length)).sort().at(-1);
  } catch {
    // no /boot
  }
  if (needDevices && !cachedDevices) {
    const r = spawnSync(qemuBinary(), ['-device', 'help'], { encoding: 'utf8', timeout: 10_000 });
    cachedDevices = r.status === 0 ? { devices: parseDeviceHelp(r.stdout + r.stderr) } : {};
  }
  return { nestedKvm, fullKernel, qemuDevices: cachedDevices?.devices };
}

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
