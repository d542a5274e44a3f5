// The lab model: every catalog manifest is valid and names a real seed; a broken manifest is reported
// by file and field while the rest loads; checker output parsing; a failed build stops the check.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultCatalogDir, loadCatalog } from '../../labs/model/catalog';
import { checkLab } from '../../labs/model/check';
import { parseCheckerOutput, validateManifest } from '../../labs/model/manifest';

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
      mkdirp(path.join(dir, 'no-setup', 'starter'));
      for (const f of ['steps.md', 'check.sh']) writeFileSync(path.join(dir, 'no-setup', f), '');
      const noSetup = loadCatalogWith(dir, { id: 'no-setup', objectives: [{ id: 'ok-one', text: 't' }], checker: { guest: 'check.sh', setup: 'setup.sh' } });
      assert.match(noSetup, /no-setup\/lab\.json: checker\.setup: setup\.sh does not exist in the lab folder/);
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

  it('runs the setup script before the build, passes checker.iface to the load, and stops when setup fails', async () => {
    const lab = validateManifest({
      id: 'xdp-like', title: 't', track: 'eBPF', seed: 's', summary: 's', steps: 'steps.md', starter: 'starter', hints: [],
      objectives: [{ id: 'builds', text: 'b' }, { id: 'loads', text: 'l' }, { id: 'drops', text: 'd' }],
      checker: { build: 'bpf', bpfSource: 'x.bpf.c', iface: 'r0veth0', setup: 'setup.sh', guest: 'check.sh' },
    }, 'lab.json');
    assert.equal(lab.checker.iface, 'r0veth0');
    assert.equal(lab.checker.setup, 'setup.sh');
    const calls: string[] = [];
    const deps = (setupExit: number) => ({
      buildModule: async () => { throw new Error('no module here'); },
      buildBpf: async (file: string) => { calls.push(`build ${path.basename(file)}`); return { ok: true, artifacts: ['/w/x.bpf.o'], diagnostics: [] }; },
      loadBpf: async (_object: string, name: string, o?: { iface?: string }) => { calls.push(`load ${name} ${o?.iface}`); return { ok: true }; },
      run: async (_argv: string[], o: { stdin: string }) => {
        calls.push(`run ${o.stdin}`);
        const setupRun = o.stdin === 'SETUP';
        return { exitCode: setupRun ? setupExit : 0, stdout: Buffer.from(setupRun ? 'made the veth pair\n' : 'PASS drops dropped 3 pings\n'), stderr: Buffer.from(setupRun && setupExit ? 'ip: RTNETLINK answers: File exists\n' : '') };
      },
    });
    const ok = await checkLab(lab, '/w', 'CHECK', deps(0), 'SETUP');
    assert.deepEqual(calls, ['run SETUP', 'build x.bpf.c', 'load xdp-like r0veth0', 'run CHECK']);
    assert.equal(ok.passed, true);
    calls.length = 0;
    const bad = await checkLab(lab, '/w', 'CHECK', deps(2), 'SETUP');
    assert.deepEqual(calls, ['run SETUP']);
    assert.equal(bad.passed, false);
    assert.ok(bad.objectives.every((o) => /setup in the VM failed \(exit 2\).*File exists/.test(o.message)), JSON.stringify(bad.objectives));
    await assert.rejects(checkLab(lab, '/w', 'CHECK', deps(0)), /has a setup script \(setup\.sh\)/);
    assert.throws(() => validateManifest({ ...lab, checker: { guest: 'check.sh', iface: 'has space' } }, 'lab.json'), /checker\.iface: must match/);
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
