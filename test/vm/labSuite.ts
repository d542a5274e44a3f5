// The lab checks in a real VM, as a suite each test file runs on its share of the catalog (one VM per file,
// so no file runs past the per-file timeout): on the starter files every checker fails with messages that
// help; on the reference solution (test/labs/<id>/solution) every objective passes — or, where this VM
// cannot meet the lab's requirements (probed in the guest, e.g. no usable /dev/kvm), every objective it
// cannot check fails with the checker's unmet-requirement message. Never a silent pass.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type CatalogLab } from '../../labs/model/catalog';
import { requirementProbes, type RequirementProbe } from '../../labs/model/requirements';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

interface CheckJson { passed: boolean; objectives: { id: string; passed: boolean; message: string }[] }

export function labSuite(title: string, pick: (lab: CatalogLab) => boolean, opts: { extras?: boolean } = {}): void {
describe(title, () => {
  let ws: string;
  const labs = loadCatalog().labs.filter((l) => pick(l));
  const devices = [...new Set(labs.flatMap((l) => l.requirements.qemuDevices ?? []))];
  // Host-checked labs boot their own QEMU: a suite of only those needs no Ring0 VM.
  const needsVm = labs.some((l) => l.checker.guest);
  before(async () => {
    ws = tempWorkspace();
    writeFileSync(path.join(ws, 'README'), 'lab test workspace\n');
    if (!needsVm) return;
    const r = await cli(['vm', 'start', '--workspace', ws, ...devices.flatMap((d) => ['--device', d])]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  /** The probes of the lab's requirements that fail in this VM. */
  async function unmet(lab: CatalogLab): Promise<RequirementProbe[]> {
    const missing: RequirementProbe[] = [];
    for (const p of requirementProbes(lab.requirements)) {
      const r = await cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', p.script]);
      if (r.code !== 0) missing.push(p);
    }
    return missing;
  }

  async function check(id: string): Promise<{ code: number | null; result: CheckJson; stderr: string }> {
    const r = await cli(['lab', 'check', id, '--json', '--workspace', ws]);
    return { code: r.code, result: JSON.parse(r.stdout.toString()) as CheckJson, stderr: r.stderr };
  }

  /** Unmet requirement: the check fails, and every objective that fails says which requirement is missing. */
  function assertUnmet(lab: CatalogLab, probes: RequirementProbe[], c: { code: number | null; result: CheckJson }): void {
    assert.equal(c.code, 1);
    const failed = c.result.objectives.filter((o) => !o.passed);
    assert.ok(failed.length > 0, `${lab.id} cannot pass without ${probes.map((p) => p.needs).join(', ')}`);
    for (const o of failed) assert.ok(probes.some((p) => p.unmetMessage.test(o.message)), `${lab.id}/${o.id} names the unmet requirement: ${o.message}`);
  }

  for (const lab of labs) {
    it(`${lab.id}: the starter fails with guidance, the solution passes`, async (t) => {
      const missing = await unmet(lab);
      const start = await cli(['lab', 'start', lab.id, '--workspace', ws]);
      assert.equal(start.code, 0, start.stderr);
      const starter = await check(lab.id);
      assert.equal(starter.code, 1, starter.stderr);
      assert.equal(starter.result.passed, false);
      const failed = starter.result.objectives.filter((o) => !o.passed);
      assert.ok(failed.length > 0);
      for (const o of failed) assert.ok(o.message.length > 10, `a failed objective explains itself: ${JSON.stringify(o)}`);

      cpSync(path.join(ROOT, 'test', 'labs', lab.id, 'solution'), path.join(ws, 'labs', lab.id), { recursive: true });
      const solved = await check(lab.id);
      if (missing.length) {
        t.diagnostic(`${lab.id}: this VM lacks ${missing.map((p) => p.needs).join(', ')}; the reference solution cannot run here, so the test asserts the checker's unmet-requirement messages instead`);
        assertUnmet(lab, missing, solved);
        return;
      }
      assert.equal(solved.result.passed, true, JSON.stringify(solved.result.objectives, null, 2));
      assert.equal(solved.code, 0);
      // An oops in one lab (module-oops's starter) must leave the VM running for the next ones.
      if (!needsVm) return;
      const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString()) as { state: string };
      assert.equal(status.state, 'running', transcript(ws));
    });
  }

  // Labs checked only on the host (their own QEMU) work with no VM at all.
  for (const lab of needsVm ? labs.filter((l) => l.checker.host && !l.checker.guest) : []) {
    it(`${lab.id}: checks in a workspace with no VM`, async () => {
      const bare = tempWorkspace();
      try {
        assert.equal((await cli(['lab', 'start', lab.id, '--workspace', bare])).code, 0);
        cpSync(path.join(ROOT, 'test', 'labs', lab.id, 'solution'), path.join(bare, 'labs', lab.id), { recursive: true });
        const r = await cli(['lab', 'check', lab.id, '--json', '--workspace', bare]);
        assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.toString()}`);
        assert.equal((JSON.parse(r.stdout.toString()) as CheckJson).passed, true);
      } finally {
        await disposeWorkspace(bare);
      }
    });
  }

  // The unmet path for real, on labs whose requirement this VM does meet: the KVM modules are blocked
  // in the guest's (tmpfs-backed) /etc/modprobe.d and unloaded, so /dev/kvm is gone as on a VM without
  // nested virtualization; the probe must see it, and the checker must say "needs KVM".
  for (const lab of labs.filter((l) => l.requirements.kvm)) {
    it(`${lab.id}: without a usable /dev/kvm the checker says it needs KVM`, async () => {
      const block = '/etc/modprobe.d/ring0-test-no-kvm.conf';
      const r = await cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c',
        `printf 'install kvm_intel /bin/false\\ninstall kvm_amd /bin/false\\n' > ${block}; rmmod kvm_intel kvm_amd kvm 2>/dev/null; ! [ -e /dev/kvm ]`]);
      assert.equal(r.code, 0, `could not take /dev/kvm away: ${r.stderr}`);
      try {
        const missing = await unmet(lab);
        assert.deepEqual(missing.map((p) => p.requirement), ['kvm'], 'the probe sees that KVM is gone');
        assert.equal((await cli(['lab', 'reset', lab.id, '--workspace', ws])).code, 0);
        cpSync(path.join(ROOT, 'test', 'labs', lab.id, 'solution'), path.join(ws, 'labs', lab.id), { recursive: true });
        const c = await check(lab.id);
        assertUnmet(lab, missing, c);
        assert.ok(c.result.objectives.find((o) => o.id === 'builds')?.passed, 'the solution still builds without KVM');
      } finally {
        await cli(['vm', 'exec', '--workspace', ws, '--', 'rm', '-f', block]);
      }
    });
  }

  if (opts.extras) it('module-oops: the oops of the starter is recorded as one the guest survived', async () => {
    const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString()) as { state: string; devices?: string[]; oopsCount?: number; oops?: { summary: string; rip?: { function: string } } };
    assert.equal(status.state, 'running');
    assert.deepEqual(status.devices, devices);
    assert.ok((status.oopsCount ?? 0) >= 1, JSON.stringify(status));
    assert.match(status.oops!.summary, /NULL pointer dereference/);
    assert.equal(status.oops!.rip?.function, 'oops_lab_read');
  });

  if (opts.extras) it('a lab whose device the VM lacks fails every objective with the command to restart the VM with it', async () => {
    const needing = labs.find((l) => (l.requirements.qemuDevices ?? []).length > 0);
    assert.ok(needing, 'the catalog has a lab that needs a QEMU device');
    assert.equal((await cli(['vm', 'stop', '--workspace', ws])).code, 0);
    const plain = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(plain.code, 0, `${plain.stderr}\n${transcript(ws)}`);
    const r = await cli(['lab', 'check', needing.id, '--json', '--workspace', ws]);
    assert.equal(r.code, 1, r.stderr);
    const c = JSON.parse(r.stdout.toString()) as { passed: boolean; objectives: { passed: boolean; message: string }[] };
    const need = needing.requirements.qemuDevices!;
    assert.equal(c.objectives.length, needing.objectives.length);
    for (const o of c.objectives) {
      assert.equal(o.passed, false);
      assert.ok(o.message.includes(`ring0 vm start ${need.map((d) => `--device ${d}`).join(' ')}`), o.message);
    }
  });
});
}
