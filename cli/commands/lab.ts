// CLI: `ring0 lab list|start|check|reset` — the lab catalog with this machine's requirements, starting a
// lab without ever overwriting work, running its checker in the VM, resetting it (old copy moved aside).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { loadCatalog, type CatalogLab } from '../../labs/model/catalog';
import { checkLab } from '../../labs/model/check';
import { resetLab, startLab } from '../../labs/model/labFiles';
import { labFolder, readProgress, recordedDir, updateProgress, type LabCheck } from '../../labs/model/progress';
import { evaluateRequirements, hostFacts } from '../../labs/model/requirements';
import { summarizeTracks } from '../../labs/model/status';
import { buildModule } from '../../kernel/build/module';
import { buildBpf } from '../../kernel/bpf/build';
import { loadBpf } from '../../kernel/build/bpfLoad';
import { connectAgent, vmStatus } from '../../kernel/vm/manager';
import { run } from '../../kernel/util/run';
import { workspaceOf } from './vm';

const workspaceOption = { workspace: { type: 'string' as const, short: 'w' } };
const dirOption = { dir: { type: 'string' as const, short: 'd' } };
const WORKSPACE_HELP = '-w, --workspace DIR  the workspace whose .ring0/progress.json records progress (default: .)';

function findLab(inv: Invocation): CatalogLab {
  const { labs, errors } = loadCatalog();
  for (const e of errors) inv.io.err(`warning: ${e.message}\n`);
  const id = inv.positionals[0];
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new UsageError(`no lab '${id}'; 'ring0 lab list' shows them`);
  return lab;
}

/** --dir relative to the current directory, or undefined. */
function dirOf(inv: Invocation): string | undefined {
  const d = inv.values.dir as string | undefined;
  return d === undefined ? undefined : path.resolve(inv.io.cwd, d);
}

export const labListCommand: CliCommand = {
  path: ['lab', 'list'],
  summary: 'List the labs, by track, with your progress in this workspace and what this machine lacks for them.',
  synopsis: '[--json]',
  details: [
    '--json  [{id, title, track, seed, summary, requirements, unmet: [{key, label, detail}], objectives, status, started, passed, lastCheckAt, dir}]',
    WORKSPACE_HELP,
  ],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(inv) {
    const { labs, errors } = loadCatalog();
    for (const e of errors) inv.io.err(`warning: ${e.message}\n`);
    const ws = workspaceOf(inv);
    const progress = readProgress(ws);
    const facts = hostFacts(labs.some((l) => (l.requirements.qemuDevices ?? []).length > 0));
    const tracks = summarizeTracks(labs, progress, (l) => evaluateRequirements(l.requirements, facts));
    const rows = tracks.flatMap((t) => t.labs).map((s) => {
      const lab = labs.find((l) => l.id === s.id) as CatalogLab;
      return {
        id: s.id, title: s.title, track: s.track, seed: s.seed, summary: s.summary,
        requirements: lab.requirements,
        unmet: s.requirements.filter((r) => !r.met).map(({ key, label, detail }) => ({ key, label, detail })),
        objectives: s.totalObjectives, status: s.status,
        started: s.status !== 'not-started', passed: s.status === 'passed',
        ...(s.lastCheck ? { lastCheckAt: s.lastCheck.at, passedObjectives: s.passedObjectives } : {}),
        dir: labFolder(ws, s.id, progress),
      };
    });
    if (inv.values.json) {
      inv.io.out(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    for (const t of tracks) {
      inv.io.out(`${t.track} (${t.passed}/${t.total} done)\n`);
      for (const s of t.labs) {
        const mark = { passed: '✓', failing: '✗', started: '…', 'not-started': ' ' }[s.status];
        const unmet = s.requirements.filter((r) => !r.met).map((r) => r.label);
        const extra = s.lastCheck ? ` [${s.passedObjectives}/${s.totalObjectives}]` : '';
        inv.io.out(`  ${mark} ${s.id.padEnd(24)} ${s.title}${extra}${unmet.length ? `  (${unmet.join(', ')}: not on this machine)` : ''}\n`);
      }
    }
    return 0;
  },
};

export const labStartCommand: CliCommand = {
  path: ['lab', 'start'],
  summary: 'Copy a lab\'s starter files and steps (STEPS.md) into labs/<id>/ (or --dir); never overwrites existing files.',
  synopsis: 'ID [--dir D]',
  details: ['-d, --dir D  put the lab in D instead of labs/<id> (D must not exist or be empty)', WORKSPACE_HELP],
  options: { ...workspaceOption, ...dirOption },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const lab = findLab(inv);
    const ws = workspaceOf(inv);
    const s = startLab(ws, lab, dirOf(inv));
    inv.io.out(`Started ${lab.title} in ${s.dir}.\nSteps: ${s.steps}\nCheck with: ring0 lab check ${lab.id}${ws === inv.io.cwd ? '' : ` --workspace ${ws}`}\n`);
    const devices = lab.requirements.qemuDevices ?? [];
    if (devices.length) inv.io.out(`This lab needs the QEMU device${devices.length > 1 ? 's' : ''} ${devices.join(', ')} in the VM: ring0 vm start ${devices.map((d) => `--device ${d}`).join(' ')}\n`);
    return 0;
  },
};

export const labResetCommand: CliCommand = {
  path: ['lab', 'reset'],
  summary: 'Start a lab over: move its folder aside to <folder>.bak-<time>, copy a fresh starter, forget the last check.',
  synopsis: 'ID [--dir D]',
  details: ['-d, --dir D  the lab\'s folder (default: where it was started, else labs/<id>)', WORKSPACE_HELP],
  options: { ...workspaceOption, ...dirOption },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const lab = findLab(inv);
    const s = resetLab(workspaceOf(inv), lab, dirOf(inv));
    inv.io.out(`${s.movedTo ? `Moved your previous copy to ${s.movedTo}.\n` : ''}Reset ${lab.title} in ${s.dir}. Steps: ${s.steps}\n`);
    return 0;
  },
};

export function formatCheck(lab: CatalogLab, c: LabCheck): string {
  const lines = c.objectives.map((o) => `${o.passed ? 'PASS' : 'FAIL'}  ${o.text}${o.passed ? '' : `\n      ${o.message}`}`);
  return `${lab.title}\n${lines.join('\n')}\n${c.passed ? 'All objectives pass.' : `${c.objectives.filter((o) => !o.passed).length} objective(s) to go.`}\n`;
}

export const labCheckCommand: CliCommand = {
  path: ['lab', 'check'],
  summary: 'Run a lab\'s checker (builds on the host, checks in the running VM); exit 1 until every objective passes.',
  synopsis: 'ID [--dir D] [--json]',
  details: [
    '-d, --dir D  the lab\'s folder (default: where it was started, else labs/<id>); must be inside the workspace, which the VM shares',
    '--json  {id, passed, at, dir, objectives: [{id, text, passed, message}]}',
    WORKSPACE_HELP,
  ],
  options: { ...workspaceOption, ...dirOption, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const lab = findLab(inv);
    const ws = workspaceOf(inv);
    const dir = dirOf(inv) ?? labFolder(ws, lab.id);
    if (!existsSync(dir)) {
      throw new Error(inv.values.dir ? `${dir} does not exist; 'ring0 lab start ${lab.id} --dir ${inv.values.dir as string}' creates it` : `lab ${lab.id} is not started in ${ws}; run 'ring0 lab start ${lab.id}'`);
    }
    const script = (f: string | undefined) => (f === undefined ? undefined : readFileSync(path.join(lab.dir, f), 'utf8'));
    const scripts = { guest: script(lab.checker.guest), host: script(lab.checker.host), setup: script(lab.checker.setup) };
    // A lab checked only on the host (a bare-metal kernel in its own QEMU) needs no VM.
    const needsVm = scripts.guest !== undefined || scripts.setup !== undefined || lab.checker.build === 'bpf';
    const rel = path.relative(ws, dir);
    if (needsVm && (rel.startsWith('..') || path.isAbsolute(rel))) throw new Error(`${dir} is outside the workspace ${ws}, which is what the VM shares; put the lab inside it or pass --workspace`);
    const agent = needsVm ? await connectAgent(ws) : undefined;
    const noVm = () => Promise.reject(new Error('this lab is checked on the host only'));
    let result: LabCheck;
    try {
      result = await checkLab(lab, dir, scripts, {
        buildModule: (d) => buildModule({ dir: d }),
        buildBpf: (file) => buildBpf({ file }),
        loadBpf: (object, name, o) => (agent ? loadBpf(agent, { object, name, ...o }) : noVm()),
        run: (argv, o) => (agent ? agent.run(argv, o) : noVm()),
        runHost: async (argv, o) => {
          const r = await run(argv[0], argv.slice(1), { cwd: o.cwd, timeoutMs: o.timeoutMs, input: o.stdin, processGroup: true });
          return { exitCode: r.spawnError ? 127 : r.code, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.spawnError ?? r.stderr), timedOut: r.timedOut };
        },
        vmDevices: needsVm ? vmStatus(ws).devices ?? [] : undefined,
      });
    } finally {
      agent?.close();
    }
    const before = readProgress(ws)[lab.id];
    updateProgress(ws, lab.id, { lastCheck: result, ...(before?.started ? {} : { started: result.at }), dir: recordedDir(ws, lab.id, dir) });
    inv.io.out(inv.values.json ? JSON.stringify({ id: lab.id, passed: result.passed, at: result.at, dir, objectives: result.objectives }, null, 2) + '\n' : formatCheck(lab, result));
    return result.passed ? 0 : 1;
  },
};

export const LAB_COMMANDS: CliCommand[] = [labListCommand, labStartCommand, labCheckCommand, labResetCommand];
