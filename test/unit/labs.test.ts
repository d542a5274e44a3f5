// The lab model: every catalog manifest is valid and names a real seed; a broken manifest is reported
// by file and field while the rest loads; checker output parsing; a failed build stops the check.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultCatalogDir, loadCatalog } from '../../labs/model/catalog';
import { checkLab, unmetRequirements } from '../../labs/model/check';
import { parseCheckerOutput } from '../../labs/model/manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SEEDS = path.resolve(ROOT, '..', 'shared', 'seeds');

describe('lab catalog', () => {
  it('loads every lab without errors; each names an existing seed and has a reference solution', () => {
    const seeds = existsSync(SEEDS) ? new Set(readdirSync(SEEDS)) : undefined;
    const { labs, errors } = loadCatalog(defaultCatalogDir(), seeds);
    assert.deepEqual(errors.map((e) => e.message), []);
    assert.ok(labs.length >= 2);
    for (const l of labs) assert.ok(existsSync(path.join(ROOT, 'test', 'labs', l.id, 'solution')), `test/labs/${l.id}/solution`);
  });

  it('reports a broken manifest by file and field and still loads the others', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-catalog-'));
    try {
      cpSync(defaultCatalogDir(), dir, { recursive: true });
      mkdirp(path.join(dir, 'broken-lab'));
      writeFileSync(path.join(dir, 'broken-lab', 'lab.json'), JSON.stringify({ id: 'broken-lab', title: 'x', track: 't', seed: 's', summary: 's', objectives: [{ id: 'ab', text: 'b' }], steps: 'steps.md', starter: 'starter', hints: 'not an array', checker: { guest: 'check.sh' } }));
      mkdirp(path.join(dir, 'bad-json'));
      writeFileSync(path.join(dir, 'bad-json', 'lab.json'), '{ "id": ');
      const { labs, errors } = loadCatalog(dir);
      assert.equal(labs.length, loadCatalog().labs.length);
      const messages = errors.map((e) => e.message).sort();
      assert.equal(messages.length, 2);
      assert.match(messages[0], /bad-json\/lab\.json: \(json\): is not valid JSON/);
      assert.match(messages[1], /broken-lab\/lab\.json: hints: must be an array of strings/);
      const nested = loadCatalogWith(dir, { id: 'nested-lab', objectives: [{ id: 'ok-one', text: 't' }, { id: 'X', text: 't' }] });
      assert.match(nested, /nested-lab\/lab\.json: objectives\[1\]\.id: must match/);
      const device = loadCatalogWith(dir, { id: 'device-lab', objectives: [{ id: 'ok-one', text: 't' }], requirements: { qemuDevices: ['edu', 'e1000'] } });
      assert.match(device, /device-lab\/lab\.json: requirements\.qemuDevices: names an unknown device 'e1000'; Ring0 can add: edu/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads PASS/FAIL lines and ignores everything else', () => {
    assert.deepEqual(parseCheckerOutput('noise\nPASS loads insmod worked\n  FAIL greets no hello in dmesg\nPASS\n'), [
      { objective: 'loads', passed: true, message: 'insmod worked' },
      { objective: 'greets', passed: false, message: 'no hello in dmesg' },
    ]);
  });

  it('stops at a failed build and says why for every other objective', async () => {
    const lab = loadCatalog().labs.find((l) => l.id === 'module-hello')!;
    let ran = false;
    const r = await checkLab(lab, '/nowhere', 'echo PASS loads', {
      buildModule: async () => ({ ok: false, artifacts: [], diagnostics: [{ file: '/nowhere/hello_lab.c', line: 7, column: 2, severity: 'error', message: "expected ';'" }] }),
      run: async () => {
        ran = true;
        return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
      },
    });
    assert.equal(ran, false);
    assert.equal(r.passed, false);
    assert.deepEqual(r.objectives[0], { id: 'builds', text: lab.objectives[0].text, passed: false, message: "hello_lab.c:7: expected ';'" });
    assert.ok(r.objectives.slice(1).every((o) => !o.passed && /fix the build first/.test(o.message)));
  });
});

describe('lab device requirements', () => {
  const edu = () => loadCatalog().labs.find((l) => l.id === 'device-edu')!;

  it('the edu lab needs the edu device; module labs need none', () => {
    assert.deepEqual(edu().requirements.qemuDevices, ['edu']);
    assert.deepEqual(loadCatalog().labs.find((l) => l.id === 'module-hello')!.requirements.qemuDevices, []);
  });

  it('fails every objective with the restart command when the VM lacks a device, without building', async () => {
    let built = false;
    const deps = {
      buildModule: async () => {
        built = true;
        return { ok: true, artifacts: ['/x/edu_lab.ko'], diagnostics: [] };
      },
      run: async () => ({ exitCode: 0, stdout: Buffer.from(''), stderr: Buffer.alloc(0) }),
    };
    const r = await checkLab(edu(), '/nowhere', '', { ...deps, vmDevices: [] });
    assert.equal(built, false);
    assert.equal(r.passed, false);
    assert.equal(r.objectives.length, edu().objectives.length);
    for (const o of r.objectives) {
      assert.equal(o.passed, false);
      assert.match(o.message, /needs the QEMU device edu, which the running VM does not have: restart the VM with them: ring0 vm stop && ring0 vm start --device edu/);
      assert.match(o.message, /"ring0\.vm\.devices": \["edu"\]/);
    }
    await checkLab(edu(), '/nowhere', '', { ...deps, vmDevices: ['edu'] });
    assert.equal(built, true, 'with the device the check goes ahead');
  });

  it('has nothing to say when the VM has the devices, the lab needs none, or the devices are unknown', () => {
    assert.equal(unmetRequirements(edu(), ['edu']), undefined);
    assert.equal(unmetRequirements(edu(), undefined), undefined);
    assert.equal(unmetRequirements(loadCatalog().labs.find((l) => l.id === 'module-hello')!, []), undefined);
  });
});

/** A lab whose manifest is a valid one with `patch` applied; returns the catalog's error for it. */
function loadCatalogWith(dir: string, patch: Record<string, unknown>): string {
  const id = patch.id as string;
  mkdirp(path.join(dir, id));
  const base = { title: 'x', track: 't', seed: 's', summary: 's', steps: 'steps.md', starter: 'starter', hints: [], checker: { guest: 'check.sh' } };
  writeFileSync(path.join(dir, id, 'lab.json'), JSON.stringify({ ...base, ...patch }));
  return loadCatalog(dir).errors.map((e) => e.message).find((m) => m.includes(id)) ?? '';
}

function mkdirp(d: string): void {
  mkdirSync(d, { recursive: true });
}
