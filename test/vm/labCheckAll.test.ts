// `ring0 lab check` in CI shape against real VMs: with no VM running it boots one for the check and
// powers it off (--keep-vm leaves it running); a VM that cannot boot is still the JSON contract; `--all` checks every started lab
// in one VM and writes JUnit XML whose failures carry the checker's messages; `--solutions DIR` too.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseStringPromise } from 'xml2js';
import { vmStatus } from '../../kernel/vm/manager';
import { ROOT, cli, disposeWorkspace, tempWorkspace } from './helpers';

interface Objective { id: string; passed: boolean; message: string }
interface CheckJson { id: string; passed: boolean; dir: string; objectives: Objective[]; error?: string; vm?: string; skipped?: string }

describe('ring0 lab check boots its own VM; --all writes JUnit', () => {
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    for (const id of ['module-hello', 'module-params']) {
      const r = await cli(['lab', 'start', id, '--workspace', ws]);
      assert.equal(r.code, 0, r.stderr);
    }
    cpSync(path.join(ROOT, 'test', 'labs', 'module-hello', 'solution'), path.join(ws, 'labs', 'module-hello'), { recursive: true });
  });
  after(() => disposeWorkspace(ws));

  it('with no VM running, boots one for the check and powers it off', async () => {
    assert.equal(vmStatus(ws).state, 'stopped');
    const r = await cli(['lab', 'check', 'module-hello', '--json', '--workspace', ws]);
    const j = JSON.parse(r.stdout.toString()) as CheckJson;
    assert.equal(j.passed, true, `${JSON.stringify(j, null, 2)}\n${r.stderr}`);
    assert.equal(r.code, 0);
    assert.equal(j.vm, 'booted');
    assert.equal(vmStatus(ws).state, 'stopped', 'the VM booted for the check is gone');
  });

  it('--keep-vm starts the workspace VM for the check and leaves it running', async () => {
    const r = await cli(['lab', 'check', 'module-hello', '--json', '--keep-vm', '--workspace', ws]);
    const j = JSON.parse(r.stdout.toString()) as CheckJson;
    assert.equal(j.passed, true, `${JSON.stringify(j, null, 2)}\n${r.stderr}`);
    assert.equal(j.vm, 'kept');
    assert.equal(vmStatus(ws).state, 'running');
    const again = JSON.parse((await cli(['lab', 'check', 'module-hello', '--json', '--workspace', ws])).stdout.toString()) as CheckJson;
    assert.equal(again.vm, 'running', 'the next check uses the VM that is there');
    assert.equal((await cli(['vm', 'stop', '--workspace', ws])).code, 0);
    assert.equal(vmStatus(ws).state, 'stopped');
  });

  it('a VM that cannot boot is still the JSON contract: passed false, a message on every objective', async () => {
    const bad = tempWorkspace();
    try {
      assert.equal((await cli(['lab', 'start', 'module-hello', '--workspace', bad])).code, 0);
      mkdirSync(path.join(bad, '.vscode'));
      writeFileSync(path.join(bad, '.vscode', 'settings.json'), JSON.stringify({ 'ring0.vm.kernel': path.join(bad, 'no-such-bzImage') }));
      const r = await cli(['lab', 'check', 'module-hello', '--json', '--workspace', bad]);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout.toString()) as CheckJson;
      assert.equal(j.passed, false);
      assert.match(j.error ?? '', /no-such-bzImage/);
      for (const o of j.objectives) assert.equal(o.message, j.error);
    } finally {
      await disposeWorkspace(bad);
    }
  });

  it('--all checks every started lab in one VM and writes JUnit with the checker messages', async () => {
    const junit = path.join(ws, 'results', 'labs.xml');
    const r = await cli(['lab', 'check', '--all', '--json', '--junit', junit, '--workspace', ws], { timeoutMs: 300_000 });
    assert.equal(r.code, 1, 'module-params is still the starter, so the run fails');
    const j = JSON.parse(r.stdout.toString()) as { passed: boolean; labs: CheckJson[] };
    assert.deepEqual(j.labs.map((l) => [l.id, l.passed]), [['module-hello', true], ['module-params', false]], `${JSON.stringify(j, null, 2)}\n${r.stderr}`);
    const doc = await parseStringPromise(readFileSync(junit, 'utf8'), { strict: true });
    const suites = doc.testsuites.testsuite as { $: Record<string, string>; testcase: { $: { name: string }; failure?: { $: { message: string } }[] }[] }[];
    assert.deepEqual(suites.map((s) => s.$.name), ['module-hello', 'module-params']);
    assert.equal(suites[0].$.failures, '0');
    assert.equal(suites[0].testcase.length, 5);
    const params = j.labs[1];
    const failing = params.objectives.filter((o) => !o.passed);
    assert.ok(failing.length > 0);
    assert.equal(suites[1].$.failures, String(failing.length));
    for (const o of failing) {
      const tc = suites[1].testcase.find((c) => c.$.name.startsWith(`${o.id}: `));
      assert.equal(tc?.failure?.[0].$.message, o.message);
    }
    assert.equal(vmStatus(ws).state, 'stopped');
  });

  it('--all --solutions DIR checks copies of the solutions and skips labs without one', async () => {
    const sol = path.join(ws, 'solutions');
    cpSync(path.join(ROOT, 'test', 'labs', 'module-params'), path.join(sol, 'module-params'), { recursive: true });
    const junit = path.join(ws, 'results', 'solutions.xml');
    const r = await cli(['lab', 'check', '--all', '--solutions', sol, '--junit', junit, '--workspace', ws], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout.toString(), /1\/1 labs pass, \d+ skipped/);
    const doc = await parseStringPromise(readFileSync(junit, 'utf8'), { strict: true });
    assert.equal(doc.testsuites.$.failures, '0');
    assert.equal(doc.testsuites.$.tests, String(Number(doc.testsuites.$.skipped) + 4));
    assert.ok(readFileSync(path.join(ws, '.ring0', 'check-all', 'module-params', 'params_lab.ko')).length > 0, 'built in the scratch copy');
  });
});
