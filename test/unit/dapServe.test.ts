// `ring0 dap` as a server: --port serves only this user's connections, --socket needs a 0700
// directory; the real CLI, connected to as this user and (when root) as another one.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loopbackPeerUid } from '../../kernel/util/loopbackPeer';
import { CLI } from '../vm/helpers';

const INIT = JSON.stringify({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'ring0-kernel' } });
const frame = `Content-Length: ${Buffer.byteLength(INIT)}\r\n\r\n${INIT}`;

// Connects, sends initialize, prints what came back before the connection closed (or timed out).
const clientScript = `
const s = require('net').createConnection(Number(process.argv[1]), '127.0.0.1');
let got = '';
s.on('connect', () => s.write(process.argv[2]));
s.on('data', (d) => { got += d; if (got.includes('"command":"initialize"')) { process.stdout.write('ANSWERED'); process.exit(0); } });
s.on('close', () => { process.stdout.write('CLOSED'); process.exit(0); });
s.on('error', () => { process.stdout.write('ERROR'); process.exit(0); });
setTimeout(() => { process.stdout.write('TIMEOUT'); process.exit(0); }, 10000);`;

function connectAs(port: number, uid?: number): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['-e', clientScript, String(port), frame], { stdio: ['ignore', 'pipe', 'ignore'], ...(uid !== undefined ? { uid, gid: uid } : {}) });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', () => resolve(out));
  });
}

describe('ring0 dap --port', () => {
  let server: ChildProcess;
  let port: number;
  let err = '';
  before(async () => {
    server = spawn(process.execPath, [CLI, 'dap', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      server.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`ring0 dap exited (${code}): ${err}`)));
    });
  });
  after(() => server.kill('SIGKILL'));

  it('answers a connection of its own user', async () => {
    assert.equal(await connectAs(port), 'ANSWERED');
  });

  it('refuses a connection of another user', { skip: process.getuid?.() !== 0 && 'needs root to connect as another uid' }, async () => {
    assert.match(await connectAs(port, 65534), /^(CLOSED|ERROR)$/);
    assert.match(err, /refused a connection from uid 65534/);
  });

  it('finds the peer uid of a loopback connection in /proc/net/tcp', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const sport = (srv.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
    const c = net.createConnection(sport, '127.0.0.1');
    const s = await accepted;
    assert.equal(loopbackPeerUid(s.remotePort!, sport), process.getuid!());
    assert.equal(loopbackPeerUid(1, 2, 'header\n   0: 0100007F:0001 0100007F:0002 01 0:0 0:0 0 1234 0 0\n'), 1234);
    c.destroy();
    srv.close();
  });
});

describe('ring0 dap argument errors', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-dapargs-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses a --socket directory that other users can enter', () => {
    const open = path.join(tmp, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    const r = spawnSync(process.execPath, [CLI, 'dap', '--socket', path.join(open, 'dap.sock')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /only you can enter \(chmod 700/);
  });

  it('creates a missing --socket directory 0700', async () => {
    const dir = path.join(tmp, 'new', 'run');
    const child = spawn(process.execPath, [CLI, 'dap', '--socket', path.join(dir, 'dap.sock')], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve()));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    child.kill('SIGKILL');
  });

  it('says what --port takes', () => {
    const r = spawnSync(process.execPath, [CLI, 'dap', '--port', 'abc'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--port takes a port number from 0 to 65535 \(0 picks a free one\), not 'abc'/);
  });
});
