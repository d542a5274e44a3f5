// `ring0 lab` in a real VM beyond the per-lab checker test: a lab started with --dir is checked in that
// folder (the JSON names every objective with passed and message), a reset moves the solved copy
// aside and the fresh starter fails again; progress.json follows each step.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readProgress } from '../../labs/model/progress';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

interface CheckJson { id: string; passed: boolean; dir: string; objectives: { id: string; passed: boolean; message: string }[] }

describe('ring0 lab check --dir and reset in the VM', () => {
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    writeFileSync(path.join(ws, 'README'), 'lab CLI test workspace\n');
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('checks a lab in the folder given by --dir, then reset moves the solved copy aside', async () => {
    const dir = path.join(ws, 'work', 'hello');
    const start = await cli(['lab', 'start', 'module-hello', '--dir', dir, '--workspace', ws]);
    assert.equal(start.code, 0, start.stderr);
    cpSync(path.join(ROOT, 'test', 'labs', 'module-hello', 'solution'), dir, { recursive: true });

    const solved = await cli(['lab', 'check', 'module-hello', '--dir', dir, '--json', '--workspace', ws]);
    const r = JSON.parse(solved.stdout.toString()) as CheckJson;
    assert.equal(r.passed, true, `${JSON.stringify(r.objectives, null, 2)}\n${solved.stderr}\n${transcript(ws)}`);
    assert.equal(solved.code, 0);
    assert.equal(r.id, 'module-hello');
    assert.equal(r.dir, dir);
    assert.deepEqual(r.objectives.map((o) => o.id), ['builds', 'loads', 'listed', 'greets', 'unloads']);
    for (const o of r.objectives) assert.equal(typeof o.message, 'string');
    assert.ok(existsSync(path.join(dir, 'hello_lab.ko')), 'the check built the module in --dir');
    assert.equal(readProgress(ws)['module-hello']?.lastCheck?.passed, true);

    // Without --dir the check finds the folder the lab was started in.
    const again = await cli(['lab', 'check', 'module-hello', '--json', '--workspace', ws]);
    assert.equal(again.code, 0, again.stderr);

    const reset = await cli(['lab', 'reset', 'module-hello', '--workspace', ws]);
    assert.equal(reset.code, 0, reset.stderr);
    const bak = readdirSync(path.join(ws, 'work')).find((n) => n.startsWith('hello.bak-'));
    assert.ok(bak, readdirSync(path.join(ws, 'work')).join(' '));
    assert.match(readFileSync(path.join(ws, 'work', bak, 'hello_lab.c'), 'utf8'), /Hello, Ring0/);
    assert.equal(readProgress(ws)['module-hello']?.lastCheck, undefined);

    const starter = await cli(['lab', 'check', 'module-hello', '--json', '--workspace', ws]);
    assert.equal(starter.code, 1, starter.stderr);
    const s = JSON.parse(starter.stdout.toString()) as CheckJson;
    assert.equal(s.dir, dir);
    assert.equal(s.objectives.find((o) => o.id === 'greets')?.passed, false);
  });
});
