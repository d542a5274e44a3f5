// ensureAgentBinary: a static binary, cached by content, with clear errors for a missing compiler or broken sources.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AgentBuildError, defaultAgentSourceDir, ensureAgentBinary } from '../../kernel/agent/build';

const cacheDir = path.join(os.tmpdir(), 'ring0-test-cache');

/** True when the ELF file has a PT_INTERP program header (needs a dynamic loader). */
function hasInterpreter(file: string): boolean {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 1, 4), 'ELF');
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return true;
  return false;
}

describe('agent build', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ring0-agent-build-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds the sources in the repo and builds a static binary, cached', async () => {
    assert.ok(readdirSync(defaultAgentSourceDir()).includes('ring0-agent.c'));
    const bin = await ensureAgentBinary({ cacheDir });
    assert.ok(!hasInterpreter(bin), 'statically linked');
    const t0 = Date.now();
    assert.equal(await ensureAgentBinary({ cacheDir, sourceDir: defaultAgentSourceDir() }), bin);
    assert.ok(Date.now() - t0 < 1000, 'the second call is a cache hit');
  });

  it('names the Debian packages when the compiler is missing', async () => {
    await assert.rejects(ensureAgentBinary({ cacheDir: scratch, cc: '/nonexistent/gcc' }), (e: unknown) => {
      assert.ok(e instanceof AgentBuildError);
      assert.equal(e.code, 'NO_COMPILER');
      assert.match(e.message, /gcc and libc6-dev/);
      assert.match(e.message, /apt-get install gcc libc6-dev/);
      return true;
    });
  });

  it('reports missing sources and compile errors, leaving no partial output', async () => {
    await assert.rejects(ensureAgentBinary({ cacheDir: scratch, sourceDir: path.join(scratch, 'none') }), (e: unknown) => e instanceof AgentBuildError && e.code === 'NO_SOURCES');
    const src = path.join(scratch, 'src');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src);
    writeFileSync(path.join(src, 'ring0-agent.c'), 'int main(void) { return syntax error; }\n');
    await assert.rejects(ensureAgentBinary({ cacheDir: scratch, sourceDir: src }), (e: unknown) => {
      assert.ok(e instanceof AgentBuildError);
      assert.equal(e.code, 'COMPILE_FAILED');
      assert.match(e.message, /syntax/);
      return true;
    });
    assert.deepEqual(readdirSync(path.join(scratch, 'agent')), []);
  });

  it('keys the cache by the sources', async () => {
    const src = path.join(scratch, 'tiny');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'ring0-agent.c'), 'int main(void) { return 0; }\n');
    const a = await ensureAgentBinary({ cacheDir: scratch, sourceDir: src });
    writeFileSync(path.join(src, 'ring0-agent.c'), 'int main(void) { return 1; }\n');
    const b = await ensureAgentBinary({ cacheDir: scratch, sourceDir: src });
    assert.notEqual(a, b);
    const [c, d] = await Promise.all([ensureAgentBinary({ cacheDir: scratch, sourceDir: src }), ensureAgentBinary({ cacheDir: scratch, sourceDir: src })]);
    assert.equal(c, b);
    assert.equal(d, b);
  });
});
