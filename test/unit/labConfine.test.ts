// Lab paths stay inside their roots: a folder recorded in .ring0/progress.json outside the workspace
// (or a symlink leading out) is refused and nothing outside is touched; manifests cannot name '..'.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { confineToWorkspace, isContainedRelative, LabPathError } from '../../labs/model/confine';
import { validateManifest } from '../../labs/model/manifest';

const top = mkdtempSync(path.join(os.tmpdir(), 'ring0-confine-'));
after(() => rmSync(top, { recursive: true, force: true }));

async function ring0(args: string[]) {
  const err: string[] = [];
  const io: CliIO = { out: () => undefined, err: (t) => err.push(t), interactive: false, cwd: top, env: {} };
  return { code: await main(args, io), err: err.join('') };
}

function workspaceWithProgress(name: string, dir: string): string {
  const ws = path.join(top, name);
  mkdirSync(path.join(ws, '.ring0'), { recursive: true });
  writeFileSync(path.join(ws, '.ring0', 'progress.json'), JSON.stringify({ 'module-hello': { started: '2026-12-01T00:00:00Z', dir } }));
  return ws;
}

describe('lab folders from workspace files', () => {
  it('lab reset refuses a progress.json folder outside the workspace and leaves it alone', async () => {
    const victim = path.join(top, 'victim');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'precious.txt'), 'x');
    const ws = workspaceWithProgress('ws1', '../victim');
    const r = await ring0(['lab', 'reset', 'module-hello', '--workspace', ws]);
    assert.equal(r.code, 1);
    assert.match(r.err, /progress\.json records for module-hello is .*victim, which is not a folder inside the workspace/);
    assert.deepEqual(readdirSync(victim), ['precious.txt']);
    assert.deepEqual(readdirSync(top).filter((f) => f.startsWith('victim.bak')), []);
  });

  it('follows symlinks before deciding, and refuses absolute folders outside too', async () => {
    const outside = path.join(top, 'outside');
    mkdirSync(outside);
    const ws = workspaceWithProgress('ws2', 'labs/link');
    mkdirSync(path.join(ws, 'labs'));
    symlinkSync(outside, path.join(ws, 'labs', 'link'));
    assert.equal((await ring0(['lab', 'reset', 'module-hello', '--workspace', ws])).code, 1);
    assert.deepEqual(readdirSync(outside), []);
    const abs = workspaceWithProgress('ws3', outside);
    assert.equal((await ring0(['lab', 'start', 'module-hello', '--workspace', abs])).code, 1);
    assert.deepEqual(readdirSync(outside), []);
    assert.throws(() => confineToWorkspace(abs, abs, 'x'), LabPathError);
  });

  it('still resets a folder recorded inside the workspace', async () => {
    const ws = workspaceWithProgress('ws4', 'mine/hello');
    const r = await ring0(['lab', 'reset', 'module-hello', '--workspace', ws]);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(path.join(ws, 'mine', 'hello', 'STEPS.md')));
  });
});

describe('lab manifest paths', () => {
  const base = {
    id: 'paths', title: 't', track: 'T', seed: 's', summary: 's', steps: 'steps.md', starter: 'starter', hints: [],
    objectives: [{ id: 'ok', text: 'o' }], checker: { guest: 'check.sh' },
  };
  it('refuses .. and absolute paths in steps, starter and checker scripts', () => {
    assert.doesNotThrow(() => validateManifest(base, 'lab.json'));
    for (const bad of [{ steps: '../../etc/passwd' }, { starter: '/etc' }, { checker: { guest: '../x.sh' } }, { checker: { host: '/bin/sh' } },
      { checker: { guest: 'c.sh', setup: 'a/../../s.sh' } }, { checker: { build: 'bpf', bpfSource: '../p.bpf.c', guest: 'c.sh' } }]) {
      assert.throws(() => validateManifest({ ...base, ...bad }, 'lab.json'), /must be a path inside the lab's folder/, JSON.stringify(bad));
    }
    assert.ok(isContainedRelative('sub/dir/file.sh'));
  });
});
