// The CLI's argument handling: usage and exit 2 on bad input, --help everywhere, --version.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { COMMANDS, main } from '../../cli/main';
import { RING0_VERSION } from '../../kernel/version';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd: process.cwd(), env: {} };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('ring0 CLI', () => {
  it('prints its version', async () => {
    const t = io();
    assert.equal(await main(['--version'], t.cli), 0);
    assert.equal(t.out().trim(), RING0_VERSION);
  });

  it('exits 2 with usage for an unknown command', async () => {
    const t = io();
    assert.equal(await main(['frobnicate'], t.cli), 2);
    assert.match(t.err(), /unknown command 'frobnicate'/);
    assert.match(t.err(), /Usage: ring0 <command>/);
  });

  it('exits 2 with the subcommand usage for an unknown subcommand', async () => {
    const t = io();
    assert.equal(await main(['vm', 'explode'], t.cli), 2);
    assert.match(t.err(), /unknown 'vm' subcommand 'explode'/);
    assert.match(t.err(), /vm start/);
  });

  it('exits 2 with the command help for an unknown flag', async () => {
    const t = io();
    assert.equal(await main(['doctor', '--jsno'], t.cli), 2);
    assert.match(t.err(), /--jsno/);
    assert.match(t.err(), /Usage: ring0 doctor/);
  });

  it('exits 2 for a bad flag value and for missing ARGV', async () => {
    const bad = io();
    assert.equal(await main(['run', '--memory', 'lots', '--', 'true'], bad.cli), 2);
    assert.match(bad.err(), /--memory should be an integer/);
    const missing = io();
    assert.equal(await main(['vm', 'exec'], missing.cli), 2);
    assert.match(missing.err(), /give the command after --/);
  });

  it('has --help for every command', async () => {
    for (const c of COMMANDS) {
      const t = io();
      assert.equal(await main([...c.path, '--help'], t.cli), 0, c.path.join(' '));
      assert.match(t.out(), new RegExp(`^Usage: ring0 ${c.path.join(' ')}`));
    }
  });

  it('keeps internal commands out of the usage list', async () => {
    const t = io();
    assert.equal(await main(['--help'], t.cli), 0);
    assert.doesNotMatch(t.out(), /vm daemon/);
    assert.match(t.out(), /vm start/);
  });
});
