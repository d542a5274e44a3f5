// CLI messages for bad input (issue #18.11): each names what was wrong and exits non-zero; none
// shows an engine message (the VM cases are in test/vm/cliMessages.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AgentError, spawnFailure } from '../../kernel/agent/errors';
import { bpfSourceProblem, noTracepointMessage, parsePort } from '../../cli/argChecks';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { mapBtf } from '../fuzz/btfWriter';
import { EM_BPF, moduleElf, writeElf } from '../fuzz/elfWriter';

const ENGINE = /Cannot read|is not a function|ERR_|TypeError|RangeError|at .*\.js:\d+/;

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd, env: {} };
  const code = await main(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('CLI messages for bad input (#18.11)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-cli-msg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exec in a missing --cwd names the directory, not "command not found"', () => {
    const f = spawnFailure(['ls'], new AgentError('ENOENT', 'chdir /nonexistent: No such file or directory'), '/nonexistent');
    assert.deepEqual(f, { message: 'cannot use /nonexistent as the working directory in the guest: No such file or directory', code: 125 });
    assert.deepEqual(spawnFailure(['nosuch'], new AgentError('ENOENT', 'exec nosuch: No such file or directory')), { message: 'nosuch: command not found in the guest', code: 127 });
    assert.equal(spawnFailure(['x'], new AgentError('TIMEOUT', 'timed out')), undefined);
  });

  it('a tracepoint filter that matches nothing says so', () => {
    assert.match(noTracepointMessage('sched:nonesuch'), /no tracepoint in the guest kernel matches 'sched:nonesuch'.*'ring0 tracepoints sched'/);
  });

  it('build bpf DIR says DIR is a directory, and exits 2', async () => {
    assert.match(bpfSourceProblem(dir) ?? '', /is a directory: build bpf takes one FILE\.bpf\.c/);
    assert.match(bpfSourceProblem(path.join(dir, 'nope.bpf.c')) ?? '', /does not exist/);
    const r = await run(['build', 'bpf', dir], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /is a directory/);
  });

  it('dap --port abc names the option, and exits 2', async () => {
    assert.throws(() => parsePort('abc'), /--port takes a port number from 0 to 65535/);
    assert.throws(() => parsePort('70000'), /--port takes/);
    assert.equal(parsePort('0'), 0);
    const r = await run(['dap', '--port', 'abc'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /--port takes a port number/);
    assert.doesNotMatch(r.err, ENGINE);
  });

  it('elf inspect: a valueOf modinfo key is read; a BTF cycle is a clear error with exit 1', async () => {
    const ko = path.join(dir, 'v.ko');
    writeFileSync(ko, moduleElf(['license=GPL', 'valueOf=1', 'name=v']));
    const ok = await run(['elf', 'inspect', ko], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /license: GPL/);
    const obj = path.join(dir, 'cycle.bpf.o');
    writeFileSync(obj, writeElf(EM_BPF, [{ name: '.BTF', data: mapBtf(8, [{ kind: 3, sizeOrType: 0, extra: [8, 1, 2] }]), flags: 0 }, { name: 'license', data: Buffer.from('GPL\0') }]));
    const bad = await run(['elf', 'inspect', obj], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /BTF: unreadable \(malformed BTF: type 8 contains itself/);
    assert.match(bad.err, /malformed BTF/);
    assert.doesNotMatch(bad.err + bad.out, ENGINE);
    const corrupt = path.join(dir, 'corrupt.o');
    const b = writeElf(EM_BPF, [{ name: 'x', data: Buffer.alloc(8) }]);
    b.writeUInt16LE(200, 62); // a section-name table index past the sections
    writeFileSync(corrupt, b);
    const c = await run(['elf', 'inspect', corrupt], dir);
    assert.equal(c.code, 1);
    assert.match(c.err, /corrupt ELF file \(its section-name table index 200/);
  });
});
