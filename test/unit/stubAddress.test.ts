// gdb reaches QEMU's stub over its unix socket, directly or through a 0700 symlink: real gdb, a
// listening unix socket standing in for the stub, and no TCP port anywhere.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gdbTakesPath, stubAddress } from '../../debug-adapter/target/stubAddress';
import { targetSelectRemote } from '../../debug-adapter/mi/commands';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-stubaddr-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Listens on a unix socket and resolves with what gdb sends there up to its first packet (a lone '+' ack may come first). */
function fakeStub(sock: string): { first: Promise<string>; close(): void } {
  let server: net.Server;
  const first = new Promise<string>((resolve) => {
    server = net.createServer((c) => {
      let got = '';
      const done = () => { resolve(got); c.destroy(); };
      c.on('data', (d) => { got += d.toString(); if (/\$[A-Za-z]/.test(got)) done(); });
      c.on('end', done);
    });
    server.listen(sock);
  });
  return { first, close: () => server.close() };
}

function gdbTarget(address: string): Promise<void> {
  return new Promise((resolve) => {
    const gdb = spawn('gdb', ['-nx', '-batch', '-ex', 'set remotetimeout 2', '-ex', `target remote ${address}`], { stdio: 'ignore' });
    gdb.on('close', () => resolve());
  });
}

describe('gdb stub address', () => {
  it('takes plain absolute socket paths as they are and refuses what gdb would misparse', () => {
    assert.ok(gdbTakesPath('/work/ws/.ring0/run/gdb.sock'));
    assert.ok(!gdbTakesPath('/work/my ws/gdb.sock'));
    assert.ok(!gdbTakesPath('/work/a:b/gdb.sock'));
    assert.ok(!gdbTakesPath('relative/gdb.sock'));
    assert.ok(!gdbTakesPath(`/${'x'.repeat(120)}/gdb.sock`));
    assert.equal(targetSelectRemote('/run/x/gdb.sock'), '-target-select remote /run/x/gdb.sock');
    assert.throws(() => targetSelectRemote('/a b/gdb.sock'), /not a gdb stub address/);
    assert.throws(() => targetSelectRemote('0.0.0.0:1234; shell id'), /not a gdb stub address/);
  });

  it('real gdb connects straight to the unix socket', async () => {
    const sock = path.join(tmp, 'gdb.sock');
    const stub = fakeStub(sock);
    const a = stubAddress(sock);
    assert.equal(a.address, sock);
    await gdbTarget(a.address);
    assert.match(await stub.first, /\$qSupported/);
    stub.close();
  });

  it('a path gdb cannot take gets a symlink in a fresh 0700 directory, removed on close', async () => {
    const dir = path.join(tmp, 'a:b c');
    await import('node:fs').then((fs) => fs.mkdirSync(dir));
    const sock = path.join(dir, 'gdb.sock');
    const stub = fakeStub(sock);
    const a = stubAddress(sock, tmp);
    assert.notEqual(a.address, sock);
    assert.ok(lstatSync(a.address).isSymbolicLink());
    assert.equal(statSync(path.dirname(a.address)).mode & 0o777, 0o700);
    await gdbTarget(a.address);
    assert.match(await stub.first, /\$qSupported/);
    a.close();
    assert.ok(!existsSync(a.address));
    stub.close();
  });
});
