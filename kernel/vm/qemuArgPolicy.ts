// Which extra QEMU arguments a VM accepts. From a settings file (ring0.vm.qemuArgs, which a cloned
// repository can carry): only an allow-list of options and sub-options Ring0 understands. From the
// person's own command line (--qemu-arg): anything but a listener beyond loopback.
import { isKnownDevice, KNOWN_DEVICES } from './devices';

type ValueCheck = (value: string) => string | undefined;

const word = /^[\w.-]+$/;

/** `-device MODEL[,id=..][,bus=..][,addr=..]` for the models of devices.ts. */
const deviceValue: ValueCheck = (v) => {
  const [model, ...subs] = v.split(',');
  if (!isKnownDevice(model)) return `device '${model}' is not one Ring0 knows (${Object.keys(KNOWN_DEVICES).join(', ')})`;
  for (const s of subs) {
    const [k, val = ''] = s.split('=');
    if (!['id', 'bus', 'addr'].includes(k) || !word.test(val)) return `sub-option '${s}' (only id=, bus=, addr= with plain values)`;
  }
  return undefined;
};

const cpuValue: ValueCheck = (v) => {
  const [model, ...flags] = v.split(',');
  if (!word.test(model)) return `CPU model '${model}'`;
  const bad = flags.find((f) => !/^[+-][\w.-]+$/.test(f) && !/^[\w.-]+=(on|off)$/.test(f));
  return bad === undefined ? undefined : `CPU flag '${bad}' (only +flag, -flag, flag=on|off)`;
};

const machineValue: ValueCheck = (v) => (/^(pc|q35)(-[\w.]+)?$/.test(v) ? undefined : `machine '${v}' (only pc or q35, without sub-options)`);

const rtcValue: ValueCheck = (v) => {
  const bad = v.split(',').find((s) => !/^base=(utc|localtime)$/.test(s) && !/^clock=(host|rt|vm)$/.test(s));
  return bad === undefined ? undefined : `sub-option '${bad}' (only base=utc|localtime, clock=host|rt|vm)`;
};

const SETTINGS_ALLOWED: Readonly<Record<string, ValueCheck>> = {
  '-device': deviceValue,
  '-cpu': cpuValue,
  '-machine': machineValue,
  '-M': machineValue,
  '-rtc': rtcValue,
};

/** Splits `-opt=value` into ['-opt', 'value'] so both spellings meet the same rule. */
function normalize(args: readonly string[]): string[] {
  return args.flatMap((a) => (/^-[\w-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
}

/** Throws unless every argument from a settings file is on the allow-list. */
export function checkSettingsQemuArgs(args: readonly string[], source = 'ring0.vm.qemuArgs'): void {
  const a = normalize(args);
  const allowed = Object.keys(SETTINGS_ALLOWED).join(', ');
  for (let i = 0; i < a.length; i += 2) {
    const check = Object.prototype.hasOwnProperty.call(SETTINGS_ALLOWED, a[i]) ? SETTINGS_ALLOWED[a[i]] : undefined;
    const why = check ? (a[i + 1] === undefined ? 'a value' : check(a[i + 1])) : undefined;
    if (!check || why) {
      const what = check ? `'${a[i]} ${a[i + 1] ?? ''}': ${why}` : `'${a[i]}'`;
      throw new Error(`${source} may only carry ${allowed} with values Ring0 understands; refused ${what}. ` +
        'Add devices by name with ring0.vm.devices; pass anything else as your own flag: ring0 vm start --qemu-arg=...');
    }
  }
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[?::1\]?)$/;

/** The host parts of listener addresses in one option value (tcp:H:P, telnet:H:P, host=H, hostfwd=tcp:H:P-...). */
function hostsIn(opt: string, value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(/(?:^|[,=])(?:tcp|telnet|websocket|udp):([^:,]*):/g)) hosts.push(m[1]);
  for (const m of value.matchAll(/(?:^|,)host=([^,]*)/g)) hosts.push(m[1]);
  for (const m of value.matchAll(/hostfwd=(?:tcp|udp)?:([^:,]*):/g)) hosts.push(m[1]);
  if (opt === '-vnc' || opt === '-display' && value.startsWith('vnc=')) {
    const v = value.replace(/^vnc=/, '');
    if (!v.startsWith('unix:') && v !== 'none') hosts.push(v.split(':')[0]);
  }
  if (opt === '-spice' && !/(?:^|,)unix=on/.test(value)) hosts.push(/(?:^|,)addr=([^,]*)/.exec(value)?.[1] ?? '');
  return hosts;
}

/** Throws when the person's own arguments would open a listener beyond loopback or run a host helper. */
export function checkOwnQemuArgs(args: readonly string[]): void {
  const a = normalize(args);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '-s') throw new Error("'-s' opens QEMU's gdb stub on all interfaces; Ring0 starts its own stub on a unix socket (vm start --gdb)");
    const v = a[i + 1] ?? '';
    if (!a[i].startsWith('-') || v.startsWith('-')) continue;
    const open = hostsIn(a[i], v).find((h) => !LOOPBACK.test(h));
    if (open !== undefined) throw new Error(`'${a[i]} ${v}' would listen beyond 127.0.0.1 (on '${open || 'all interfaces'}'); bind it to 127.0.0.1 or use a unix socket`);
    if (/(?:^|,)(helper|script|downscript)=/.test(v) || /guestfwd=[^,]*cmd:/.test(v)) throw new Error(`'${a[i]} ${v}' runs a host command; Ring0 does not start host helpers`);
  }
}
