// JUnit XML for `lab check --all`: parsed back with xml2js, the structure CI systems read (testsuites →
// testsuite per lab → testcase per objective, failure message = checker's message, skipped labs) and
// hostile checker messages escaped; plus the JSON contract of `lab check` when nothing can run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseStringPromise } from 'xml2js';
import { junitXml, xmlEscape, type LabCaseInput } from '../../labs/run/junit';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';

const nasty = 'expected <b>"hi" & \'bye\'</b>\nline two\u0001\u0007 ]]> end';

const labs: LabCaseInput[] = [
  {
    id: 'module-hello', title: 'Hello & <modules>', seconds: 12.5,
    objectives: [{ id: 'builds', text: 'It builds' }, { id: 'greets', text: 'It says "hello"' }],
    check: { at: '2026-12-02T15:00:00.000Z', passed: false, objectives: [
      { id: 'builds', text: 'It builds', passed: true, message: 'built hello.ko' },
      { id: 'greets', text: 'It says "hello"', passed: false, message: nasty },
    ] },
  },
  { id: 'kvm-vmm', title: 'A VMM', seconds: 0, objectives: [{ id: 'runs', text: 'runs' }], skipped: 'needs KVM & nested virtualization' },
];

describe('JUnit XML for lab checks', () => {
  it('has one testsuite per lab and one testcase per objective, with counts that add up', async () => {
    const doc = await parseStringPromise(junitXml(labs), { strict: true });
    const root = doc.testsuites;
    assert.deepEqual({ ...root.$ }, { name: 'ring0 lab check', tests: '3', failures: '1', errors: '0', skipped: '1', time: '12.500' });
    const suites = root.testsuite as { $: Record<string, string>; testcase: { $: Record<string, string>; failure?: { _: string; $: Record<string, string> }[]; skipped?: { $: Record<string, string> }[] }[]; properties: { property: { $: Record<string, string> }[] }[] }[];
    assert.deepEqual(suites.map((s) => s.$.name), ['module-hello', 'kvm-vmm']);
    const [hello, kvm] = suites;
    assert.equal(hello.$.tests, '2');
    assert.equal(hello.$.failures, '1');
    assert.equal(hello.$.timestamp, '2026-12-02T15:00:00.000Z');
    assert.equal(hello.properties[0].property[0].$.value, 'Hello & <modules>');
    assert.deepEqual(hello.testcase.map((c) => c.$.name), ['builds: It builds', 'greets: It says "hello"']);
    assert.deepEqual(hello.testcase.map((c) => c.$.classname), ['labs.module-hello', 'labs.module-hello']);
    assert.equal(hello.testcase[0].failure, undefined);
    const failure = hello.testcase[1].failure?.[0];
    assert.ok(failure);
    const clean = nasty.replace(/[\u0001\u0007]/g, '\uFFFD');
    assert.equal(failure.$.message, clean, 'the attribute round-trips, newline included');
    assert.equal(failure._, clean);
    assert.equal(kvm.$.skipped, '1');
    assert.equal(kvm.testcase[0].skipped?.[0].$.message, 'needs KVM & nested virtualization');
  });

  it('escapes markup and drops what XML 1.0 cannot hold', () => {
    assert.equal(xmlEscape('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    assert.equal(xmlEscape('a\u0000b\uD800c'), 'a\uFFFDb\uFFFDc');
    assert.equal(xmlEscape('😀'), '😀', 'a surrogate pair stays');
  });

  it('is well-formed with no labs at all', async () => {
    const doc = await parseStringPromise(junitXml([]), { strict: true });
    assert.equal(doc.testsuites.$.tests, '0');
  });
});

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd, env: {} };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('ring0 lab check: the JSON contract holds when the check cannot run', () => {
  it('an unknown lab is still {passed: false, error} on stdout', async () => {
    const t = io(process.cwd());
    assert.equal(await main(['lab', 'check', 'no-such-lab', '--json'], t.cli), 1);
    const r = JSON.parse(t.out());
    assert.equal(r.passed, false);
    assert.equal(r.id, 'no-such-lab');
    assert.match(r.error, /no lab 'no-such-lab'/);
  });

  it('a lab that is not started fails every objective with the message, in JSON', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-junit-'));
    try {
      const t = io(ws);
      assert.equal(await main(['lab', 'check', 'module-hello', '--json'], t.cli), 1);
      const r = JSON.parse(t.out());
      assert.equal(r.passed, false);
      assert.match(r.error, /not started/);
      assert.ok(r.objectives.length > 0);
      for (const o of r.objectives) {
        assert.equal(o.passed, false);
        assert.match(o.message, /not started/);
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('--all with nothing started says so, in JSON; --junit without --all is a usage error', async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-junit-'));
    try {
      const t = io(ws);
      assert.equal(await main(['lab', 'check', '--all', '--json'], t.cli), 1);
      const r = JSON.parse(t.out());
      assert.equal(r.passed, false);
      assert.match(r.error, /no lab is started/);
      const u = io(ws);
      assert.equal(await main(['lab', 'check', 'module-hello', '--junit', 'x.xml'], u.cli), 2);
      assert.match(u.err(), /go with --all/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
