// Chooses KVM or TCG. `auto` decides by a real probe boot under KVM (a /dev/kvm node is not proof: on
// nested hosts without vmx/svm guests abort), cached per host so it costs once.
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite';
import os from 'node:os';
import path from 'node:path';
import type { Accel } from './qemuArgs';

export type AccelSetting = 'auto' | Accel;

export interface AccelDecision {
  accel: Accel;
  reason: string;
}

export function kvmUsable(): { ok: boolean; reason: string } {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { ok: false, reason: '/dev/kvm is missing or not accessible' };
  }
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return { ok: true, reason: 'cannot read /proc/cpuinfo' };
  }
  if (!/^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo)) return { ok: false, reason: 'the CPU exposes no vmx/svm (nested virtualization is off)' };
  return { ok: true, reason: '/dev/kvm is accessible' };
}

function hostKey(qemuVersion: string): string {
  return `${os.release()}|${qemuVersion}`;
}

export async function decideAccel(
  setting: AccelSetting,
  opts: { cacheDir: string; qemuVersion: string; probe: () => Promise<boolean> },
): Promise<AccelDecision> {
  if (setting === 'tcg') return { accel: 'tcg', reason: 'ring0.vm.accel is tcg' };
  const usable = kvmUsable();
  if (setting === 'kvm') {
    if (!usable.ok) throw new Error(`ring0.vm.accel is kvm but KVM cannot be used: ${usable.reason}. Set it to auto or tcg.`);
    return { accel: 'kvm', reason: 'ring0.vm.accel is kvm' };
  }
  if (!usable.ok) return { accel: 'tcg', reason: usable.reason };
  const file = path.join(opts.cacheDir, 'kvm-probe.json');
  const key = hostKey(opts.qemuVersion);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key: string; works: boolean };
    if (cached.key === key) return cached.works ? { accel: 'kvm', reason: 'KVM probe boot succeeded (cached)' } : { accel: 'tcg', reason: 'KVM probe boot failed on this host (cached)' };
  } catch {
    // no cached answer yet
  }
  const works = await opts.probe().catch(() => false);
  mkdirSync(opts.cacheDir, { recursive: true });
  writeFileAtomic(file, JSON.stringify({ key, works, at: new Date().toISOString() }));
  return works ? { accel: 'kvm', reason: 'KVM probe boot succeeded' } : { accel: 'tcg', reason: 'KVM probe boot failed; using TCG' };
}
