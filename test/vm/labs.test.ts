// Every lab's checker in a real VM: on the starter files it fails with messages that help; on the
// reference solution (test/labs/<id>/solution) every objective passes. One VM runs them all, one after
// the other (each checker cleans up after itself), started with every QEMU device the labs require.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCatalog } from '../../labs/model/catalog';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

describe('labs in the VM', () => {
  let ws: string;
  const labs = loadCatalog().labs;
  const devices = [...new Set(labs.flatMap((l) => l.requirements.qemuDevices ?? []))];
  before(async () => {
    ws = tempWorkspace();
    writeFileSync(path.join(ws, 'README'), 'lab test workspace\n');
    const r = await cli(['vm', 'start', '--workspace', ws, ...devices.flatMap((d) => ['--device', d])]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  for (const lab of labs) {
    it(`${lab.id}: the starter fails with guidance, the solution passes`, async () => {
      const start = await cli(['lab', 'start', lab.id, '--workspace', ws]);
      assert.equal(start.code, 0, start.stderr);
      const starter = await cli(['lab', 'check', lab.id, '--json', '--workspace', ws]);
      assert.equal(starter.code, 1, starter.stderr);
      const s = JSON.parse(starter.stdout.toString()) as { passed: boolean; objectives: { passed: boolean; message: string }[] };
      assert.equal(s.passed, false);
      const failed = s.objectives.filter((o) => !o.passed);
      assert.ok(failed.length > 0);
      for (const o of failed) assert.ok(o.message.length > 10, `a failed objective explains itself: ${JSON.stringify(o)}`);

      cpSync(path.join(ROOT, 'test', 'labs', lab.id, 'solution'), path.join(ws, 'labs', lab.id), { recursive: true });
      const solved = await cli(['lab', 'check', lab.id, '--json', '--workspace', ws]);
      const r = JSON.parse(solved.stdout.toString()) as { passed: boolean; objectives: unknown[] };
      assert.equal(r.passed, true, JSON.stringify(r.objectives, null, 2));
      assert.equal(solved.code, 0);
      // An oops in one lab (module-oops's starter) must leave the VM running for the next ones.
      const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString()) as { state: string };
      assert.equal(status.state, 'running', transcript(ws));
    });
  }

  it('module-oops: the oops of the starter is recorded as one the guest survived', async () => {
    const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString()) as { state: string; devices?: string[]; oopsCount?: number; oops?: { summary: string; rip?: { function: string } } };
    assert.equal(status.state, 'running');
    assert.deepEqual(status.devices, devices);
    assert.ok((status.oopsCount ?? 0) >= 1, JSON.stringify(status));
    assert.match(status.oops!.summary, /NULL pointer dereference/);
    assert.equal(status.oops!.rip?.function, 'oops_lab_read');
  });

  it('a lab whose device the VM lacks fails every objective with the command to restart the VM with it', async () => {
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
