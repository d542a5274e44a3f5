// `ring0 run`: boot, run one command, power off — with the guest kernel's release and timings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';
import { vmPaths } from '../../kernel/vm/paths';
import { cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

describe('ring0 run', () => {
  let ws: string;
  before(() => {
    ws = tempWorkspace();
    writeFileSync(path.join(ws, 'hello.txt'), 'from the host\n');
  });
  after(() => disposeWorkspace(ws));

  it('prints the guest kernel release as JSON and powers off', async () => {
    const r = await cli(['run', '--json', '--workspace', ws, '--', 'uname', '-r']);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    const out = JSON.parse(r.stdout.toString());
    assert.equal(out.exitCode, 0);
    assert.equal(out.stdout.trim(), findDefaultKernel()?.release);
    assert.ok(out.accel === 'tcg' || out.accel === 'kvm');
    assert.ok(out.timings.bootMs > 0 && out.timings.readyMs >= out.timings.bootMs && out.timings.totalMs >= out.timings.readyMs, JSON.stringify(out.timings));
    // Powered off: no QEMU sockets remain.
    const run = vmPaths(ws).runDir;
    assert.deepEqual(existsSync(run) ? readdirSync(run).filter((f) => f.endsWith('.sock')) : [], []);
  });

  it('runs in the workspace at the same path, with host tools, and exits with the command\'s code', async () => {
    const r = await cli(['run', '--workspace', ws, '--', 'sh', '-c', 'pwd; cat hello.txt; bpftool version >/dev/null && echo tools-ok; exit 7']);
    assert.equal(r.code, 7, `${r.stderr}\n${transcript(ws)}`);
    assert.equal(r.stdout.toString(), `${ws}\nfrom the host\ntools-ok\n`);
  });

  it('keeps guest writes outside the workspace away from the host', async () => {
    const marker = `/ring0-guest-write-${process.pid}`;
    const r = await cli(['run', '--workspace', ws, '--', 'sh', '-c', `echo x > ${marker} && cat ${marker} && echo y > ${ws}/from-guest.txt`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'x\n');
    assert.equal(existsSync(marker), false, 'the write to / stayed in the guest overlay');
    assert.equal(existsSync(path.join(ws, 'from-guest.txt')), true, 'the write to the workspace reached the host');
  });
});
