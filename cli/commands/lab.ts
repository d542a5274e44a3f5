// CLI: `ring0 lab list|start|check|reset` — the lab catalog with this machine's requirements, starting a
// lab without ever overwriting work, running its checker in the VM, resetting it (old copy moved aside).
import path from 'node:path';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import type { CatalogLab } from '../../labs/model/catalog';
import { resetLab, startLab } from '../../labs/model/labFiles';
import { findCatalogLab, labRows, UnknownLabError } from '../../labs/run/listLabs';
import { workspaceOf } from './vm';
import { labCheckCommand } from './labCheck';

const workspaceOption = { workspace: { type: 'string' as const, short: 'w' } };
const dirOption = { dir: { type: 'string' as const, short: 'd' } };
const WORKSPACE_HELP = '-w, --workspace DIR  the workspace whose .ring0/progress.json records progress (default: .)';

function findLab(inv: Invocation): CatalogLab {
  try {
    return findCatalogLab(inv.positionals[0], (m) => inv.io.err(`warning: ${m}\n`));
  } catch (e) {
    throw e instanceof UnknownLabError ? new UsageError(e.message) : e;
  }
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
    const { tracks, rows } = labRows(workspaceOf(inv), (m) => inv.io.err(`warning: ${m}\n`));
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

export const LAB_COMMANDS: CliCommand[] = [labListCommand, labStartCommand, labCheckCommand, labResetCommand];
