// CLI: `ring0 lab list|start|check` — the lab catalog, starting a lab in the workspace, running its checker in the VM.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { loadCatalog, type CatalogLab } from '../../../labs/model/catalog';
import { checkLab } from '../../../labs/model/check';
import { labDir, readProgress, updateProgress, type LabCheck } from '../../../labs/model/progress';
import { buildModule } from '../../build/module';
import { buildBpf } from '../../bpf/build';
import { loadBpf } from '../../build/bpfLoad';
import { connectAgent, vmStatus } from '../../vm/manager';
import { workspaceOf } from './vm';

const workspaceOption = { workspace: { type: 'string' as const, short: 'w' } };

function findLab(inv: Invocation): CatalogLab {
  const { labs, errors } = loadCatalog();
  for (const e of errors) inv.io.err(`warning: ${e.message}\n`);
  const id = inv.positionals[0];
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new UsageError(`no lab '${id}'; 'ring0 lab list' shows them`);
  return lab;
}

export const labListCommand: CliCommand = {
  path: ['lab', 'list'],
  summary: 'List the labs, by track, with your progress in this workspace.',
  synopsis: '[--json]',
  details: ['--json  [{id, title, track, seed, objectives, started, passed}]', '-w, --workspace DIR  the workspace (default: .)'],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(inv) {
    const { labs, errors } = loadCatalog();
    for (const e of errors) inv.io.err(`warning: ${e.message}\n`);
    const progress = readProgress(workspaceOf(inv));
    const rows = labs.map((l) => ({
      id: l.id, title: l.title, track: l.track, seed: l.seed, objectives: l.objectives.length,
      started: !!progress[l.id]?.started, passed: progress[l.id]?.lastCheck?.passed ?? false,
    }));
    if (inv.values.json) inv.io.out(JSON.stringify(rows, null, 2) + '\n');
    else for (const r of rows) inv.io.out(`${r.passed ? '✓' : r.started ? '…' : ' '} ${r.id.padEnd(20)} ${r.track}: ${r.title}\n`);
    return 0;
  },
};

export const labStartCommand: CliCommand = {
  path: ['lab', 'start'],
  summary: 'Copy a lab\'s starter files into labs/<id>/ in the workspace.',
  synopsis: 'ID [--force]',
  details: ['--force  overwrite an existing labs/<id>/', '-w, --workspace DIR  the workspace (default: .)'],
  options: { ...workspaceOption, force: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const lab = findLab(inv);
    const ws = workspaceOf(inv);
    const dest = labDir(ws, lab.id);
    if (existsSync(dest) && !inv.values.force) throw new Error(`${dest} exists; your work is there. Use --force to start over.`);
    cpSync(`${lab.dir}/${lab.starter}`, dest, { recursive: true });
    cpSync(`${lab.dir}/${lab.steps}`, `${dest}/STEPS.md`);
    updateProgress(ws, lab.id, { started: new Date().toISOString() });
    inv.io.out(`Started ${lab.title} in ${dest}. Steps: ${dest}/STEPS.md. Check with: ring0 lab check ${lab.id}\n`);
    const devices = lab.requirements.qemuDevices ?? [];
    if (devices.length) inv.io.out(`This lab needs the QEMU device${devices.length > 1 ? 's' : ''} ${devices.join(', ')} in the VM: ring0 vm start ${devices.map((d) => `--device ${d}`).join(' ')}\n`);
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
  synopsis: 'ID [--json]',
  details: ['--json  {id, passed, objectives: [{id, text, passed, message}]}', '-w, --workspace DIR  the workspace (default: .)'],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const lab = findLab(inv);
    const ws = workspaceOf(inv);
    const dir = labDir(ws, lab.id);
    if (!existsSync(dir)) throw new Error(`lab ${lab.id} is not started in ${ws}; run 'ring0 lab start ${lab.id}'`);
    const agent = await connectAgent(ws);
    let result: LabCheck;
    try {
      const checker = readFileSync(path.join(lab.dir, lab.checker.guest), 'utf8');
      result = await checkLab(lab, dir, checker, {
        buildModule: (d) => buildModule({ dir: d }),
        buildBpf: (file) => buildBpf({ file }),
        loadBpf: (object, name) => loadBpf(agent, { object, name }),
        run: (argv, o) => agent.run(argv, o),
        vmDevices: vmStatus(ws).devices ?? [],
      });
    } finally {
      agent.close();
    }
    updateProgress(ws, lab.id, { lastCheck: result });
    inv.io.out(inv.values.json ? JSON.stringify({ id: lab.id, ...result }, null, 2) + '\n' : formatCheck(lab, result));
    return result.passed ? 0 : 1;
  },
};

export const LAB_COMMANDS: CliCommand[] = [labListCommand, labStartCommand, labCheckCommand];
