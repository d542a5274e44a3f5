// The lab model: every catalog manifest is valid and names a real seed; a broken manifest is reported
// by file and field while the rest loads; checker output parsing; a failed build stops the check.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { continuationOrder, defaultCatalogDir, loadCatalog } from '../../labs/model/catalog';
import { checkLab, unmetRequirements } from '../../labs/model/check';
import { parseCheckerOutput, validateManifest } from '../../labs/model/manifest';
import { requirementProbes } from '../../labs/model/requirements';
import { run } from '../../kernel/util/run';
import { TRACK_ORDER } from '../../labs/model/status';

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
      const device = loadCatalogWith(dir, { id: 'device-lab', objectives: [{ id: 'ok-one', text: 't' }], requirements: { qemuDevices: ['edu', 'e1000'] } });
      assert.match(device, /device-lab\/lab\.json: requirements\.qemuDevices: names an unknown device 'e1000'; Ring0 can add: edu/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists a lab right after the lab it continues (the toy kernel chain), whatever the folder names', () => {
    const ids = loadCatalog().labs.map((l) => l.id);
    const chain = ['oskernel-multiboot', 'oskernel-idt', 'oskernel-pmm', 'oskernel-paging', 'oskernel-timer', 'oskernel-threads', 'oskernel-usermode'];
    const at = ids.indexOf(chain[0]);
    assert.deepEqual(ids.slice(at, at + chain.length), chain);
    const order = (labs: { id: string; after?: string }[]) => continuationOrder(labs).map((l) => l.id);
    assert.deepEqual(order([{ id: 'a' }, { id: 'c', after: 'b' }, { id: 'b' }, { id: 'd' }]), ['a', 'b', 'c', 'd']);
    assert.deepEqual(order([{ id: 'x', after: 'missing' }, { id: 'y' }]), ['x', 'y'], 'an unknown predecessor keeps folder order');
    assert.deepEqual(order([{ id: 'p', after: 'q' }, { id: 'q', after: 'p' }]).sort(), ['p', 'q'], 'a cycle loses no lab');
    assert.throws(() => validateManifest({ id: 'ab', title: 't', track: 't', seed: 's', summary: 's', steps: 's', starter: 's', objectives: [{ id: 'ok', text: 't' }], after: 'Not An Id', checker: { guest: 'c' } }, 'lab.json'), /after: must match/);
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
    // The build error's place is the objective's location (the Test Explorer links to it).
    assert.deepEqual(r.objectives[0], { id: 'builds', text: lab.objectives[0].text, passed: false, message: "hello_lab.c:7: expected ';'", file: '/nowhere/hello_lab.c', line: 7 });
    assert.ok(r.objectives.slice(1).every((o) => !o.passed && /fix the build first/.test(o.message)));
  });

  it('accepts a host-only checker, and names the field when neither script or the host file is there', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-catalog-'));
    try {
      mkdirp(path.join(dir, 'host-lab', 'starter'));
      writeFileSync(path.join(dir, 'host-lab', 'steps.md'), '# steps\n');
      writeFileSync(path.join(dir, 'host-lab', 'check-host.sh'), 'echo PASS boots\n');
      writeFileSync(path.join(dir, 'host-lab', 'lab.json'), JSON.stringify({ id: 'host-lab', title: 'x', track: 't', seed: 's', summary: 's', objectives: [{ id: 'boots', text: 'b' }], steps: 'steps.md', starter: 'starter', hints: [], checker: { host: 'check-host.sh' } }));
      const { labs, errors } = loadCatalog(dir);
      assert.deepEqual(errors, []);
      assert.deepEqual(labs[0].checker, { host: 'check-host.sh' });
      assert.match(loadCatalogWith(dir, { id: 'no-script', objectives: [{ id: 'ab', text: 't' }], checker: {} }), /no-script\/lab\.json: checker: needs a guest script, a host script or both/);
      assert.match(loadCatalogWith(dir, { id: 'no-host-file', objectives: [{ id: 'ab', text: 't' }], checker: { host: 'missing.sh' } }), /no-host-file\/lab\.json: (steps|checker\.host): /);
      assert.match(loadCatalogWith(dir, { id: 'empty-host', objectives: [{ id: 'ab', text: 't' }], checker: { host: '' } }), /empty-host\/lab\.json: checker\.host: must be a non-empty string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the host script before the guest script, and a failing host script stops the guest one', async () => {
    const lab = { ...loadCatalog().labs.find((l) => l.id === 'module-hello')!, objectives: [{ id: 'boots', text: 'boots' }, { id: 'prints', text: 'prints' }] };
    lab.checker = { host: 'h.sh', guest: 'g.sh' };
    const calls: string[] = [];
    const out = (stdout: string, exitCode = 0) => ({ exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(exitCode ? 'qemu: boom' : '') });
    const deps = (hostExit: number) => ({
      buildModule: async () => ({ ok: true, artifacts: [], diagnostics: [] }),
      runHost: async (argv: string[], o: { stdin: string }) => (calls.push(`host ${argv.join(' ')} ${o.stdin}`), out('PASS boots booted\n', hostExit)),
      run: async (argv: string[], o: { stdin: string }) => (calls.push(`guest ${argv.join(' ')} ${o.stdin}`), out('PASS prints printed\nPASS boots from the guest\n')),
    });
    const noBuild = { ...lab, checker: { host: 'h.sh', guest: 'g.sh' } };
    const ok = await checkLab(noBuild, '/nowhere', { host: 'HOST', guest: 'GUEST' }, deps(0));
    assert.deepEqual(calls, ['host sh -s HOST', 'guest sh -s GUEST']);
    assert.equal(ok.passed, true);
    assert.equal(ok.objectives[0].message, 'booted', 'the first report of an objective wins');
    calls.length = 0;
    const failed = await checkLab(noBuild, '/nowhere', { host: 'HOST', guest: 'GUEST' }, deps(3));
    assert.deepEqual(calls, ['host sh -s HOST']);
    assert.equal(failed.passed, false);
    assert.match(failed.objectives[1].message, /the checker stopped on the host \(exit 3\): qemu: boom/);
    await assert.rejects(checkLab(noBuild, '/nowhere', { host: 'HOST' }, { buildModule: deps(0).buildModule, run: deps(0).run }), /needs a host step/);
  });

  it('probes the kvm requirement in the guest and knows the checker\'s unmet message', () => {
    assert.deepEqual(requirementProbes({}), []);
    assert.deepEqual(requirementProbes({ kvm: false, fullKernel: true, qemuDevices: ['edu'] }), []);
    const [kvm] = requirementProbes({ kvm: true });
    assert.equal(kvm.requirement, 'kvm');
    assert.match(kvm.script, /\/dev\/kvm/);
    assert.match('needs KVM: this VM\'s CPU has no vmx/svm flag', kvm.unmetMessage);
    assert.doesNotMatch('expected the lines KVM API version 12', kvm.unmetMessage);
    const lab = loadCatalog().labs.find((l) => l.id === 'kvm-vmm');
    assert.ok(lab && lab.requirements.kvm, 'the kvm-vmm lab declares requirements.kvm');
  });

  it('kills a host script\'s whole process group on timeout', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-group-'));
    try {
      const pidFile = path.join(dir, 'child.pid');
      const r = await run('sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 500, processGroup: true });
      assert.equal(r.timedOut, true);
      const child = Number(readFileSync(pidFile, 'utf8'));
      await new Promise((res) => setTimeout(res, 100));
      let state = 'gone';
      try {
        state = readFileSync(`/proc/${child}/stat`, 'utf8').replace(/^.*\) /, '')[0];
      } catch {
        // reaped already
      }
      assert.ok(state === 'gone' || state === 'Z', `the background child was killed with its group (state ${state})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    const ok = await checkLab(lab, '/w', { guest: 'CHECK', setup: 'SETUP' }, deps(0));
    assert.deepEqual(calls, ['run SETUP', 'build x.bpf.c', 'load xdp-like r0veth0', 'run CHECK']);
    assert.equal(ok.passed, true);
    calls.length = 0;
    const bad = await checkLab(lab, '/w', { guest: 'CHECK', setup: 'SETUP' }, deps(2));
    assert.deepEqual(calls, ['run SETUP']);
    assert.equal(bad.passed, false);
    assert.ok(bad.objectives.every((o) => /setup in the VM failed \(exit 2\).*File exists/.test(o.message)), JSON.stringify(bad.objectives));
    await assert.rejects(checkLab(lab, '/w', 'CHECK', deps(0)), /has a setup script \(setup\.sh\)/);
    assert.throws(() => validateManifest({ ...lab, checker: { guest: 'check.sh', iface: 'has space' } }, 'lab.json'), /checker\.iface: must match/);
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

describe('lab tracks', () => {
  it('every track of the catalog has its place in the curriculum order', () => {
    for (const track of new Set(loadCatalog().labs.map((l) => l.track))) {
      assert.ok(TRACK_ORDER.some((t) => track.toLowerCase().includes(t)), `track '${track}' is missing from TRACK_ORDER`);
    }
  });
});
