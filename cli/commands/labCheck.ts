// CLI: `ring0 lab check ID` (boots the workspace VM for the check when none runs) and `ring0 lab check
// --all` (every started lab, or every solution in --solutions DIR, in one VM; --junit FILE for CI).
// With --json every failure, setup failures included, is still the JSON contract with passed: false.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { cliProgress } from '../progress';
import type { CatalogLab } from '../../labs/model/catalog';
import { labFolder, type LabCheck } from '../../labs/model/progress';
import { checkManyLabs, checkOneLab, outcomeJson, type LabOutcome } from '../../labs/run/checkLabs';
import { junitXml } from '../../labs/run/junit';
import { catalogLabs, findCatalogLab } from '../../labs/run/listLabs';
import { failedCheck } from '../../labs/run/runCheck';
import { workspaceOf } from './vm';

export function formatCheck(lab: Pick<CatalogLab, 'title'>, c: LabCheck): string {
  const lines = c.objectives.map((o) => `${o.passed ? 'PASS' : 'FAIL'}  ${o.text}${o.passed ? '' : `\n      ${o.message}`}`);
  return `${lab.title}\n${lines.join('\n')}\n${c.passed ? 'All objectives pass.' : `${c.objectives.filter((o) => !o.passed).length} objective(s) to go.`}\n`;
}

function cliPath(): string {
  return process.argv[1] ? path.resolve(process.argv[1]) : path.join(__dirname, 'cli.js');
}

async function checkOne(inv: Invocation): Promise<number> {
  const json = !!inv.values.json;
  const id = inv.positionals[0];
  const warn = (m: string) => inv.io.err(`warning: ${m}\n`);
  let lab: CatalogLab;
  try {
    lab = findCatalogLab(id, warn);
  } catch (e) {
    if (!json) throw new UsageError((e as Error).message);
    inv.io.out(JSON.stringify({ id, passed: false, at: new Date().toISOString(), objectives: [], error: (e as Error).message }, null, 2) + '\n');
    return 1;
  }
  const ws = workspaceOf(inv);
  let dir: string;
  try {
    dir = inv.values.dir !== undefined ? path.resolve(inv.io.cwd, inv.values.dir as string) : labFolder(ws, lab.id);
  } catch (e) {
    dir = path.join(ws, 'labs', lab.id);
    if (!json) throw e;
    inv.io.out(JSON.stringify(outcomeJson({ lab, dir, check: failedCheck(lab, (e as Error).message), error: (e as Error).message, seconds: 0 }), null, 2) + '\n');
    return 1;
  }
  const progress = cliProgress(inv.io);
  const r = await checkOneLab(ws, lab, dir, { keepVm: !!inv.values['keep-vm'], cliPath: cliPath(), onProgress: (l, f) => progress.update(l, f), warn }).finally(() => progress.done());
  if (r.error && !json) throw new Error(r.error);
  inv.io.out(json ? JSON.stringify(outcomeJson(r), null, 2) + '\n' : formatCheck(lab, r.check as LabCheck));
  return r.check?.passed ? 0 : 1;
}

async function checkAll(inv: Invocation): Promise<number> {
  const json = !!inv.values.json;
  const ws = workspaceOf(inv);
  const warn = (m: string) => inv.io.err(`warning: ${m}\n`);
  const solutions = inv.values.solutions !== undefined ? path.resolve(inv.io.cwd, inv.values.solutions as string) : undefined;
  const junit = inv.values.junit !== undefined ? path.resolve(inv.io.cwd, inv.values.junit as string) : undefined;
  const progress = cliProgress(inv.io);
  let outcomes: LabOutcome[];
  try {
    outcomes = await checkManyLabs(ws, catalogLabs(warn), {
      solutions, keepVm: !!inv.values['keep-vm'], cliPath: cliPath(), warn,
      onProgress: (l, f) => progress.update(l, f),
      onLab: (lab, i, n) => progress.update(`[${i + 1}/${n}] ${lab.id}`),
    });
  } catch (e) {
    progress.done();
    if (!json) throw e;
    inv.io.out(JSON.stringify({ passed: false, workspace: ws, labs: [], error: (e as Error).message }, null, 2) + '\n');
    return 1;
  }
  progress.done();
  const checked = outcomes.filter((o) => !o.skipped);
  const passed = checked.length > 0 && checked.every((o) => o.check?.passed);
  if (junit) {
    mkdirSync(path.dirname(junit), { recursive: true });
    writeFileSync(junit, junitXml(outcomes.map((o) => ({ id: o.lab.id, title: o.lab.title, objectives: o.lab.objectives, check: o.skipped ? undefined : o.check, skipped: o.skipped, seconds: o.seconds }))));
  }
  if (json) inv.io.out(JSON.stringify({ passed, workspace: ws, labs: outcomes.map(outcomeJson) }, null, 2) + '\n');
  else {
    for (const o of outcomes) inv.io.out(o.skipped ? `${o.lab.title}\nSKIP  ${o.skipped}\n` : formatCheck(o.lab, o.check as LabCheck));
    const bad = checked.filter((o) => !o.check?.passed).length;
    inv.io.out(`\n${checked.length - bad}/${checked.length} labs pass${outcomes.length > checked.length ? `, ${outcomes.length - checked.length} skipped` : ''}.${junit ? ` JUnit: ${junit}` : ''}\n`);
  }
  return passed ? 0 : 1;
}

export const labCheckCommand: CliCommand = {
  path: ['lab', 'check'],
  summary: 'Run a lab\'s checker (builds on the host, checks in the VM, booting one when none runs); exit 1 until every objective passes.',
  synopsis: 'ID [--dir D] [--json] [--keep-vm] | --all [--solutions DIR] [--junit FILE] [--json]',
  details: [
    '-d, --dir D        the lab\'s folder (default: where it was started, else labs/<id>); must be inside the workspace, which the VM shares',
    '--json             {id, passed, at, dir, objectives: [{id, text, passed, message}], error?}; with --all {passed, workspace, labs: [...]}',
    '--keep-vm          when no VM runs, start the workspace VM for the check and leave it running (default: a VM for the check only, powered off after)',
    '--all              check every started lab in one VM',
    '--solutions DIR    with --all: check every lab\'s solution from DIR/<id>/solution (or DIR/<id>), copied over its starter files into .ring0/check-all/<id>',
    '--junit FILE       with --all: write JUnit XML (one testsuite per lab, one testcase per objective)',
    '-w, --workspace DIR  the workspace whose .ring0/progress.json records progress (default: .)',
  ],
  options: {
    workspace: { type: 'string', short: 'w' }, dir: { type: 'string', short: 'd' }, json: { type: 'boolean' }, 'keep-vm': { type: 'boolean' },
    all: { type: 'boolean' }, solutions: { type: 'string' }, junit: { type: 'string' },
  },
  positionals: { min: 0, max: 1 },
  async run(inv) {
    if (inv.values.all) {
      if (inv.positionals.length) throw new UsageError('--all checks every started lab; give no lab ID with it');
      if (inv.values.dir !== undefined) throw new UsageError('--dir names one lab\'s folder; with --all use --solutions DIR');
      return checkAll(inv);
    }
    if (inv.values.solutions !== undefined || inv.values.junit !== undefined) throw new UsageError('--solutions and --junit go with --all');
    if (inv.positionals.length !== 1) throw new UsageError('give a lab ID (ring0 lab list shows them), or --all');
    return checkOne(inv);
  },
};
