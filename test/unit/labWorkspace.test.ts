// Labs in a workspace through the real CLI entry: list --json with requirements, start never
// overwrites, reset moves the old copy aside, --dir, progress.json read back by a fresh process;
// requirement descriptions and the status summary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { loadCatalog } from '../../labs/model/catalog';
import { backupName } from '../../labs/model/labFiles';
import { labFolder, progressFile, readProgress, updateProgress } from '../../labs/model/progress';
import { evaluateRequirements, parseDeviceHelp } from '../../labs/model/requirements';
import { summarizeTracks } from '../../labs/model/status';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const temps: string[] = [];
function tempWs(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ring0-labws-'));
  temps.push(d);
  return d;
}
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

async function ring0(args: string[], cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd, env: {} };
  const code = await main(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const hello = () => loadCatalog().labs.find((l) => l.id === 'module-hello')!;

describe('ring0 lab start/reset/list', () => {
  it('lists every lab as JSON with id, title, track, seed and requirements', async () => {
    const ws = tempWs();
    const r = await ring0(['lab', 'list', '--json', '--workspace', ws]);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    assert.equal(rows.length, loadCatalog().labs.length);
    for (const row of rows) {
      for (const k of ['id', 'title', 'track', 'seed', 'requirements', 'unmet', 'status']) assert.ok(k in row, `${k} in ${JSON.stringify(row)}`);
      assert.equal(row.status, 'not-started');
    }
    // Kernel modules come first: the curriculum's order, not the folders'.
    assert.equal(rows[0].track, 'Kernel modules');
  });

  it('starts a lab, refuses to start it again over the user\'s files, and reset moves them aside', async () => {
    const ws = tempWs();
    const s = await ring0(['lab', 'start', 'module-hello', '--workspace', ws]);
    assert.equal(s.code, 0, s.err);
    const dir = path.join(ws, 'labs', 'module-hello');
    assert.ok(existsSync(path.join(dir, 'hello_lab.c')) && existsSync(path.join(dir, 'Makefile')) && existsSync(path.join(dir, 'STEPS.md')));
    writeFileSync(path.join(dir, 'hello_lab.c'), '// my work\n');

    const again = await ring0(['lab', 'start', 'module-hello', '--workspace', ws]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists and may hold your work; Ring0 never overwrites it.*ring0 lab reset module-hello/s);
    assert.equal(readFileSync(path.join(dir, 'hello_lab.c'), 'utf8'), '// my work\n');

    updateProgress(ws, 'module-hello', { lastCheck: { at: new Date().toISOString(), passed: false, objectives: [] } });
    const reset = await ring0(['lab', 'reset', 'module-hello', '--workspace', ws]);
    assert.equal(reset.code, 0, reset.err);
    const baks = readdirSync(path.join(ws, 'labs')).filter((n) => /^module-hello\.bak-\d{8}-\d{6}$/.test(n));
    assert.equal(baks.length, 1, readdirSync(path.join(ws, 'labs')).join(' '));
    assert.equal(readFileSync(path.join(ws, 'labs', baks[0], 'hello_lab.c'), 'utf8'), '// my work\n');
    assert.equal(readFileSync(path.join(dir, 'hello_lab.c'), 'utf8'), readFileSync(path.join(hello().dir, 'starter', 'hello_lab.c'), 'utf8'));
    assert.match(reset.out, new RegExp(`Moved your previous copy to .*${baks[0]}`));
    const p = readProgress(ws)['module-hello'];
    assert.equal(p.lastCheck, undefined, 'a reset forgets the last check');
    assert.deepEqual(p.resets?.map((x) => x.movedTo), [path.join('labs', baks[0])]);
  });

  it('starts into --dir, remembers it, and refuses a non-empty --dir', async () => {
    const ws = tempWs();
    const r = await ring0(['lab', 'start', 'module-params', '--dir', 'mine/params'], ws);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(path.join(ws, 'mine', 'params', 'params_lab.c')));
    assert.equal(labFolder(ws, 'module-params'), path.join(ws, 'mine', 'params'));
    const list = JSON.parse((await ring0(['lab', 'list', '--json'], ws)).out) as { id: string; dir: string; status: string }[];
    const row = list.find((l) => l.id === 'module-params')!;
    assert.deepEqual([row.dir, row.status], [path.join(ws, 'mine', 'params'), 'started']);
    mkdirSync(path.join(ws, 'full'));
    writeFileSync(path.join(ws, 'full', 'keep.txt'), 'x');
    const refused = await ring0(['lab', 'start', 'module-hello', '--dir', 'full'], ws);
    assert.equal(refused.code, 1);
    assert.deepEqual(readdirSync(path.join(ws, 'full')), ['keep.txt']);
  });

  it('check says what to do when the lab folder is missing or outside the workspace', async () => {
    const ws = tempWs();
    const notStarted = await ring0(['lab', 'check', 'module-hello', '--workspace', ws]);
    assert.equal(notStarted.code, 1);
    assert.match(notStarted.err, /not started .*ring0 lab start module-hello/);
    const outside = tempWs();
    const r = await ring0(['lab', 'check', 'module-hello', '--workspace', ws, '--dir', outside]);
    assert.equal(r.code, 1);
    assert.match(r.err, /outside the workspace/);
    const unknown = await ring0(['lab', 'reset', 'no-such-lab', '--workspace', ws]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no lab 'no-such-lab'/);
  });

  it('keeps progress in .ring0/progress.json, read back by a new process (a reload)', async () => {
    const ws = tempWs();
    assert.equal((await ring0(['lab', 'start', 'module-hello', '--workspace', ws])).code, 0);
    const check = { at: '2026-11-29T10:00:00.000Z', passed: true, objectives: [{ id: 'builds', text: 't', passed: true, message: 'built hello_lab.ko' }] };
    updateProgress(ws, 'module-hello', { lastCheck: check });
    assert.ok(existsSync(progressFile(ws)));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'lab', 'list', '--json', '--workspace', ws], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const row = (JSON.parse(r.stdout) as { id: string; status: string; lastCheckAt?: string }[]).find((l) => l.id === 'module-hello')!;
    assert.deepEqual([row.status, row.lastCheckAt], ['passed', check.at]);
  });

  it('reads the older .ring0/labs.json and ignores entries that are not progress', () => {
    const ws = tempWs();
    mkdirSync(path.join(ws, '.ring0'));
    writeFileSync(path.join(ws, '.ring0', 'labs.json'), JSON.stringify({ 'module-hello': { started: 'x', lastCheck: { at: 'y', passed: 'no' } }, junk: 5 }));
    assert.deepEqual(readProgress(ws), { 'module-hello': { started: 'x' } });
  });

  it('names backups by time and never reuses one', () => {
    const ws = tempWs();
    const now = new Date('2026-11-29T14:30:05.123Z');
    const f = path.join(ws, 'labs', 'x');
    assert.equal(backupName(f, now), `${f}.bak-20261129-143005`);
    mkdirSync(`${f}.bak-20261129-143005`, { recursive: true });
    assert.equal(backupName(f, now), `${f}.bak-20261129-143005-2`);
  });
});

describe('lab requirements and status', () => {
  it('describes what this machine lacks and what to do', () => {
    const facts = { nestedKvm: { ok: false, reason: '/dev/kvm is missing or not accessible' }, qemuDevices: new Set(['virtio-net-pci']) };
    const r = evaluateRequirements({ kvm: true, fullKernel: true, qemuDevices: ['edu'] }, facts);
    assert.deepEqual(r.map((x) => [x.key, x.label, x.met]), [['kvm', 'needs KVM', false], ['fullKernel', 'needs full kernel', false], ['device:edu', 'needs QEMU device edu', false]]);
    assert.match(r[0].detail, /guest needs \/dev\/kvm.*\/dev\/kvm is missing/);
    assert.match(r[1].detail, /apt-get install linux-image-amd64/);
    assert.match(r[2].detail, /does not provide/);
    const ok = evaluateRequirements({ kvm: true, qemuDevices: ['edu'] }, { nestedKvm: { ok: true, reason: 'KVM with nested virtualization' }, qemuDevices: parseDeviceHelp('name "edu", bus PCI\nname "e1000", bus PCI, alias "e1000-82540em"\n') });
    assert.ok(ok.every((x) => x.met));
    assert.deepEqual(evaluateRequirements({}, facts), []);
  });

  it('summarizes tracks: passed, started, per-objective results', () => {
    const labs = loadCatalog().labs;
    const h = hello();
    const tracks = summarizeTracks(labs, {
      'module-hello': { started: 'a', lastCheck: { at: 'b', passed: false, objectives: [{ id: 'builds', text: '', passed: true, message: 'built' }, { id: 'loads', text: '', passed: false, message: 'insmod failed' }] } },
      'module-params': { started: 'a' },
    });
    const mods = tracks.find((t) => t.track === 'Kernel modules')!;
    assert.deepEqual([mods.passed, mods.started, mods.total], [0, 2, labs.filter((l) => l.track === 'Kernel modules').length]);
    const s = mods.labs.find((l) => l.id === 'module-hello')!;
    assert.equal(s.status, 'failing');
    assert.equal(s.passedObjectives, 1);
    assert.deepEqual(s.objectives.slice(0, 3), [
      { id: 'builds', text: h.objectives[0].text, passed: true, message: 'built' },
      { id: 'loads', text: h.objectives[1].text, passed: false, message: 'insmod failed' },
      { id: h.objectives[2].id, text: h.objectives[2].text },
    ]);
    assert.equal(mods.labs.find((l) => l.id === 'module-params')!.status, 'started');
  });
});
