// The lab manifest (labs/catalog/<id>/lab.json): its type and a validator that names the file and the
// field of every problem, so one broken lab never hides the rest of the catalog.
import { isKnownDevice, KNOWN_DEVICES } from '../../kernel/vm/devices';
import { isContainedRelative } from './confine';
export interface LabObjective {
  id: string;
  text: string;
}

export interface LabRequirements {
  /** Needs /dev/kvm inside the guest (nested virtualization). */
  kvm?: boolean;
  /** Needs Debian's full linux-image-amd64 kernel rather than the cloud kernel. */
  fullKernel?: boolean;
  /** Extra QEMU devices, e.g. ["edu"]. */
  qemuDevices?: string[];
}

export interface LabManifest {
  id: string;
  title: string;
  track: string;
  /** File name of the seed in shared/seeds this lab comes from. */
  seed: string;
  /** The lab this one continues (its starter is that lab's solution grown): listed right after it. */
  after?: string;
  summary: string;
  objectives: LabObjective[];
  /** Markdown file with the steps, relative to the lab folder. */
  steps: string;
  /** Folder with the starter files, copied into the workspace's labs/<id>/. */
  starter: string;
  hints: string[];
  requirements: LabRequirements;
  checker: {
    /**
     * Host step before the guest check: build the lab's module directory; or build `bpfSource` and load
     * it into the VM (pinned under /sys/fs/bpf/ring0/<lab id>); or none.
     */
    build?: 'module' | 'bpf';
    bpfSource?: string;
    /** Network interface to attach the object's XDP/tc programs to (made by `setup`), e.g. a veth end. */
    iface?: string;
    /** Guest script run before the build and load (e.g. creates the interface `iface` names); exit 0 when ready. */
    setup?: string;
    /** Shell script run in the guest (busybox/host tools) from the lab folder; prints PASS/FAIL lines. */
    guest?: string;
    /**
     * Shell script run on the HOST from the lab folder, before the guest script, for work that needs no
     * Linux VM (building and booting a bare-metal kernel in its own QEMU); prints PASS/FAIL lines.
     */
    host?: string;
  };
}

export class ManifestError extends Error {
  constructor(readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
  }
}

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** `at` is the field's full name in messages, e.g. objectives[2].id. */
function str(o: Record<string, unknown>, file: string, field: string, re?: RegExp, at = field): string {
  const v = o[field];
  if (typeof v !== 'string' || v.trim() === '') throw new ManifestError(file, at, 'must be a non-empty string');
  if (re && !re.test(v)) throw new ManifestError(file, at, `must match ${re}`);
  return v;
}

/** A path inside the lab's folder: relative, with no '..' segment. */
function relPath(o: Record<string, unknown>, file: string, field: string, at = field, re?: RegExp): string {
  const v = str(o, file, field, re, at);
  if (!isContainedRelative(v)) throw new ManifestError(file, at, `must be a path inside the lab's folder (relative, no '..'), not ${v}`);
  return v;
}

function strings(o: Record<string, unknown>, file: string, field: string): string[] {
  const v = o[field] ?? [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ManifestError(file, field, 'must be an array of strings');
  return v as string[];
}

/** Checks untrusted JSON against the manifest shape; throws ManifestError naming the first bad field. */
export function validateManifest(raw: unknown, file: string, knownSeeds?: ReadonlySet<string>): LabManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ManifestError(file, '(root)', 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  const id = str(o, file, 'id', ID);
  const seed = str(o, file, 'seed');
  const after = o.after !== undefined ? str(o, file, 'after', ID) : undefined;
  if (knownSeeds && !knownSeeds.has(seed)) throw new ManifestError(file, 'seed', `names no seed in shared/seeds (${seed})`);
  if (!Array.isArray(o.objectives) || o.objectives.length === 0) throw new ManifestError(file, 'objectives', 'must be a non-empty array');
  const objectives = o.objectives.map((x, i) => {
    if (typeof x !== 'object' || x === null) throw new ManifestError(file, `objectives[${i}]`, 'must be an object');
    const ob = x as Record<string, unknown>;
    return { id: str(ob, file, 'id', ID, `objectives[${i}].id`), text: str(ob, file, 'text', undefined, `objectives[${i}].text`) };
  });
  const ids = new Set(objectives.map((x) => x.id));
  if (ids.size !== objectives.length) throw new ManifestError(file, 'objectives', 'objective ids must be unique');
  const req = (o.requirements ?? {}) as Record<string, unknown>;
  if (typeof req !== 'object' || Array.isArray(req)) throw new ManifestError(file, 'requirements', 'must be an object');
  for (const k of ['kvm', 'fullKernel']) if (req[k] !== undefined && typeof req[k] !== 'boolean') throw new ManifestError(file, `requirements.${k}`, 'must be true or false');
  const devices = strings(req, file, 'qemuDevices');
  for (const d of devices) if (!isKnownDevice(d)) throw new ManifestError(file, 'requirements.qemuDevices', `names an unknown device '${d}'; Ring0 can add: ${Object.keys(KNOWN_DEVICES).join(', ')}`);
  const checker = o.checker as Record<string, unknown> | undefined;
  if (typeof checker !== 'object' || checker === null) throw new ManifestError(file, 'checker', 'must be an object with a guest or host script');
  if (checker.guest === undefined && checker.host === undefined) throw new ManifestError(file, 'checker', 'needs a guest script, a host script or both');
  const guest = checker.guest !== undefined ? relPath(checker, file, 'guest', 'checker.guest') : undefined;
  const host = checker.host !== undefined ? relPath(checker, file, 'host', 'checker.host') : undefined;
  if (checker.build !== undefined && checker.build !== 'module' && checker.build !== 'bpf') throw new ManifestError(file, 'checker.build', "must be 'module' or 'bpf' when given");
  if (checker.build === 'bpf') relPath(checker, file, 'bpfSource', 'checker.bpfSource', /\.bpf\.c$/);
  if (checker.iface !== undefined) str(checker, file, 'iface', /^[A-Za-z0-9_.-]{1,15}$/, 'checker.iface');
  if (checker.setup !== undefined) relPath(checker, file, 'setup', 'checker.setup');
  return {
    id,
    title: str(o, file, 'title'),
    track: str(o, file, 'track'),
    seed,
    ...(after ? { after } : {}),
    summary: str(o, file, 'summary'),
    objectives,
    steps: relPath(o, file, 'steps'),
    starter: relPath(o, file, 'starter'),
    hints: strings(o, file, 'hints'),
    requirements: { ...(req.kvm !== undefined ? { kvm: req.kvm as boolean } : {}), ...(req.fullKernel !== undefined ? { fullKernel: req.fullKernel as boolean } : {}), qemuDevices: devices },
    checker: {
      ...(checker.build ? { build: checker.build as 'module' | 'bpf' } : {}),
      ...(checker.build === 'bpf' ? { bpfSource: checker.bpfSource as string } : {}),
      ...(guest ? { guest } : {}),
      ...(host ? { host } : {}),
      ...(checker.iface !== undefined ? { iface: checker.iface as string } : {}),
      ...(checker.setup !== undefined ? { setup: checker.setup as string } : {}),
    },
  };
}

export interface CheckLine {
  objective: string;
  passed: boolean;
  message: string;
}

/** Reads a checker's `PASS <objective> <message>` / `FAIL <objective> <message>` lines; ignores the rest. */
export function parseCheckerOutput(out: string): CheckLine[] {
  const lines: CheckLine[] = [];
  for (const l of out.split('\n')) {
    const m = /^(PASS|FAIL)\s+([a-z0-9][a-z0-9-]*)\s*(.*)$/.exec(l.trim());
    if (m) lines.push({ objective: m[2], passed: m[1] === 'PASS', message: m[3] });
  }
  return lines;
}
