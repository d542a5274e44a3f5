// VM settings shared by the CLI and the extension: the `ring0.vm.*` keys of the workspace's
// .vscode/settings.json, overridden by CLI flags (the extension passes VS Code's resolved values).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import type { AccelSetting } from './accel';
import { isKnownDevice, KNOWN_DEVICES } from './devices';
import { checkSettingsQemuArgs } from './qemuArgPolicy';

export interface VmSettings {
  kernel: string;
  memoryMiB: number;
  cpus: number;
  accel: AccelSetting;
  kernelArgs: string[];
  /** Allow-listed QEMU arguments (kernel/vm/qemuArgPolicy.ts): settings files are not the person's own word. */
  qemuArgs: string[];
  /** QEMU arguments from the person's own command line (--qemu-arg); never read from a file. */
  ownQemuArgs?: string[];
  shareHostRoot: boolean;
  /** Extra QEMU devices by name, from the allow-list in devices.ts (e.g. ['edu']). */
  devices?: string[];
  /** ring0.dumps.keep: crash dumps kept in .ring0/dumps (0: no dump on a panic). */
  dumpsKeep?: number;
}

export const DEFAULT_VM_SETTINGS: VmSettings = {
  kernel: '',
  memoryMiB: 512,
  cpus: 1,
  accel: 'auto',
  kernelArgs: [],
  qemuArgs: [],
  shareHostRoot: true,
  devices: [],
};

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function allowListed(args: string[], warn: (msg: string) => void): boolean {
  try {
    checkSettingsQemuArgs(args);
    return true;
  } catch (e) {
    warn((e as Error).message);
    return false;
  }
}

/** Validates untrusted values key by key; a bad value is reported and the default kept. */
export function coerceVmSettings(raw: Record<string, unknown>, warn: (msg: string) => void): Partial<VmSettings> {
  const out: Partial<VmSettings> = {};
  const take = <K extends keyof VmSettings>(key: K, ok: (v: unknown) => boolean, expected: string) => {
    const v = raw[`ring0.vm.${key}`];
    if (v === undefined) return;
    if (ok(v)) out[key] = v as VmSettings[K];
    else warn(`ring0.vm.${key} should be ${expected}; using the default`);
  };
  take('kernel', (v) => typeof v === 'string', 'a path');
  take('memoryMiB', (v) => Number.isInteger(v) && (v as number) >= 128 && (v as number) <= 16384, 'an integer from 128 to 16384');
  take('cpus', (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64, 'an integer from 1 to 64');
  take('accel', (v) => v === 'auto' || v === 'kvm' || v === 'tcg', 'auto, kvm or tcg');
  take('kernelArgs', isStringArray, 'an array of strings');
  take('qemuArgs', (v) => isStringArray(v) && allowListed(v, warn), 'an array of allow-listed QEMU arguments');
  take('shareHostRoot', (v) => typeof v === 'boolean', 'true or false');
  take('devices', (v) => isStringArray(v) && v.every(isKnownDevice), `an array of device names from: ${Object.keys(KNOWN_DEVICES).join(', ')}`);
  const keep = raw['ring0.dumps.keep'];
  if (keep !== undefined) {
    if (Number.isInteger(keep) && (keep as number) >= 0 && (keep as number) <= 100) out.dumpsKeep = keep as number;
    else warn('ring0.dumps.keep should be an integer from 0 to 100; using the default');
  }
  return out;
}

export function readWorkspaceVmSettings(workspace: string, warn: (msg: string) => void = () => undefined): VmSettings {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULT_VM_SETTINGS };
  }
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length || typeof raw !== 'object' || raw === null) {
    warn(`${file} is not valid JSON; using default VM settings`);
    return { ...DEFAULT_VM_SETTINGS };
  }
  return vmSettingsFrom(workspace, raw as Record<string, unknown>, warn);
}

/** The `ring0.vm.*` keys, without their prefix: the extension reads these from VS Code's resolved configuration. */
export const VM_SETTING_KEYS = Object.keys(DEFAULT_VM_SETTINGS) as (keyof VmSettings)[];

/**
 * VM settings from `ring0.vm.*` values, whoever resolved them (a settings.json read here, or VS Code's
 * user/workspace/folder layers): validated, defaults filled in, a relative kernel path made absolute.
 */
export function vmSettingsFrom(workspace: string, raw: Record<string, unknown>, warn: (msg: string) => void = () => undefined): VmSettings {
  const settings = { ...DEFAULT_VM_SETTINGS, ...coerceVmSettings(raw, warn) };
  if (settings.kernel && settings.kernel !== 'build' && !path.isAbsolute(settings.kernel)) settings.kernel = path.resolve(workspace, settings.kernel);
  return settings;
}
