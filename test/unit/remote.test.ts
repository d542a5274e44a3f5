// Pure logic of the remote host: URLs, known_hosts (plain, wildcard, negated, hashed, @revoked),
// fingerprints, shell quoting (checked against a real /bin/sh), path mapping and sync planning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkHostKey, fingerprint, hostsFieldMatches, keyTypeOf, knownHostsEntry, parseKnownHosts } from '../../kernel/remote/knownHosts';
import { mapArgv, mapText, StreamMapper, toLocal, toRemote } from '../../kernel/remote/pathMap';
import { shellCommand, shellQuote } from '../../kernel/remote/quote';
import { parseFindListing, planPull, planPush, resolveCompare, rewriteCompileCommands, type FileEntry } from '../../kernel/remote/syncPlan';
import { parseRemoteUrl } from '../../kernel/remote/url';
import { defaultRemoteWorkspaceDir, resolveRemoteDir } from '../../kernel/remote/settings';
import { splitGlobalFlags } from '../../cli/remote';
import { remoteCommandLine } from '../../kernel/remote/forward';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

describe('remote URLs', () => {
  it('parses ssh://user@host[:port][/dir] and user@host', () => {
    assert.deepEqual(parseRemoteUrl('ssh://dev@build-box:2222'), { user: 'dev', host: 'build-box', port: 2222 });
    assert.deepEqual(parseRemoteUrl('ssh://dev@10.0.0.5/srv/ws/'), { user: 'dev', host: '10.0.0.5', port: 22, workspaceDir: '/srv/ws' });
    assert.deepEqual(parseRemoteUrl('ssh://root@[::1]:22022'), { user: 'root', host: '::1', port: 22022 });
    assert.deepEqual(parseRemoteUrl('ci@runner'), { user: 'ci', host: 'runner', port: 22 });
    assert.deepEqual(parseRemoteUrl('ssh://host', 'me'), { user: 'me', host: 'host', port: 22 });
  });
  it('refuses what is not one, saying how to write it', () => {
    assert.throws(() => parseRemoteUrl('http://x'), /not an ssh:\/\/ URL: write it as ssh:\/\/user@host/);
    assert.throws(() => parseRemoteUrl('ssh://u@h:99999'), /port must be a number from 1 to 65535/);
    assert.throws(() => parseRemoteUrl('ssh://u@h:'), /port/);
    assert.throws(() => parseRemoteUrl('ssh://u@'), /names no host/);
    assert.throws(() => parseRemoteUrl('ssh://host'), /names no user/);
    assert.throws(() => parseRemoteUrl('ssh://u@bad_host!'), /not a host name/);
  });
});

describe('known_hosts', () => {
  const k1 = blob('ssh-ed25519', 'key-one');
  const k2 = blob('ssh-ed25519', 'key-two');
  const rsa = blob('ssh-rsa', 'rsa-key');
  it('parses lines, skipping comments, blanks and garbage', () => {
    const l = parseKnownHosts(`# c\n\nhost1,host2 ssh-ed25519 ${k1.toString('base64')} comment\n@revoked * ssh-ed25519 ${k2.toString('base64')}\nbroken line\n@weird x y z\n`);
    assert.deepEqual(l.map((e) => [e.line, e.hosts, e.keyType, e.marker]), [[3, 'host1,host2', 'ssh-ed25519', undefined], [4, '*', 'ssh-ed25519', '@revoked']]);
    assert.ok(l[0].key.equals(k1));
  });
  it('matches patterns: ports in brackets, wildcards, negation, case, hashed |1| entries', () => {
    assert.ok(hostsFieldMatches('a.example,[b.example]:2222', '[b.example]:2222'));
    assert.ok(!hostsFieldMatches('b.example', '[b.example]:2222'));
    assert.ok(hostsFieldMatches('*.example', 'X.EXAMPLE'));
    assert.ok(hostsFieldMatches('10.0.0.?', '10.0.0.7'));
    assert.ok(!hostsFieldMatches('*.example,!bad.example', 'bad.example'));
    const salt = Buffer.from('0123456789abcdefghij');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[127.0.0.1]:2222').digest('base64')}`;
    assert.ok(hostsFieldMatches(hashed, '[127.0.0.1]:2222'));
    assert.ok(!hostsFieldMatches(hashed, '127.0.0.1'));
    assert.ok(!hostsFieldMatches('|1|garbage', 'x'));
  });
  it('fingerprints as ssh-keygen -l does (SHA256, base64 without padding)', () => {
    // Compared with what OpenSSH itself prints for the same key.
    const pub = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'base64');
    const r = spawnSync('ssh-keygen', ['-lf', '-'], { input: `ssh-ed25519 ${pub.toString('base64')}\n`, encoding: 'utf8' });
    if (r.status === 0) assert.equal(fingerprint(pub), r.stdout.split(' ')[1]);
    assert.match(fingerprint(pub), /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(keyTypeOf(pub), 'ssh-ed25519');
  });
  it('decides known, unknown, changed (naming the line) and revoked', () => {
    const files = [{ path: '/h/.ssh/known_hosts', text: `other ssh-ed25519 ${k2.toString('base64')}\n[h]:2222 ssh-rsa ${rsa.toString('base64')}\n[h]:2222 ssh-ed25519 ${k2.toString('base64')}\n` }];
    assert.deepEqual(checkHostKey(files, 'h', 2222, k2), { kind: 'known', file: '/h/.ssh/known_hosts', line: 3 });
    const changed = checkHostKey(files, 'h', 2222, k1);
    assert.equal(changed.kind, 'changed');
    assert.equal(changed.kind === 'changed' && changed.line, 3);
    const unknown = checkHostKey(files, 'h', 22, k1);
    assert.deepEqual(unknown, { kind: 'unknown', fingerprint: fingerprint(k1), keyType: 'ssh-ed25519', otherTypes: [] });
    // Only another key type recorded: unknown, and it says which types are.
    const onlyRsa = checkHostKey([{ path: 'f', text: `h ssh-rsa ${rsa.toString('base64')}\n` }], 'h', 22, k1);
    assert.deepEqual(onlyRsa.kind === 'unknown' && onlyRsa.otherTypes, ['ssh-rsa']);
    const revoked = checkHostKey([{ path: 'g', text: `@revoked * ssh-ed25519 ${k1.toString('base64')}\nh ssh-ed25519 ${k1.toString('base64')}\n` }], 'h', 22, k1);
    assert.equal(revoked.kind, 'revoked');
  });
  it('writes entries that read back, plain or hashed', () => {
    for (const hashed of [false, true]) {
      const text = knownHostsEntry('127.0.0.1', 2200, k1, hashed);
      assert.equal(checkHostKey([{ path: 'f', text }], '127.0.0.1', 2200, k1).kind, 'known');
      assert.equal(text.startsWith('|1|'), hashed);
    }
    assert.equal(knownHostsEntry('h', 22, k1), `h ssh-ed25519 ${k1.toString('base64')}\n`);
  });
});

describe('shell quoting for the remote', () => {
  const nasty = ['plain', '', 'two words', "it's", '$(touch /tmp/pwned)', '`id`', 'a\nb', '"dq"', '\\', '*', '~', '-n', "'", "''", 'tab\there', '; rm -rf /', 'ünï', '!bang'];
  it('passes every argument through a real /bin/sh unchanged', () => {
    const r = spawnSync('/bin/sh', ['-c', `${shellCommand(['printf', '%s\\0', ...nasty])}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), nasty);
  });
  it('leaves safe words bare and refuses NUL', () => {
    assert.equal(shellQuote('/a/b-c_d.e:f=g'), '/a/b-c_d.e:f=g');
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });
  it('builds the remote CLI command line with everything quoted', () => {
    const line = remoteCommandLine({ dir: '/h/i', cli: "/h/i d/cli.js", version: '1' }, '/r/w s', ['run', '--', 'sh', '-c', 'echo $HOME']);
    assert.match(line, /cd '\/r\/w s' && exec node '\/h\/i d\/cli\.js' run -- sh -c 'echo \$HOME'$/);
  });
});

describe('path mapping', () => {
  const map = { local: '/home/me/ws', remote: '/srv/ring0/ws' };
  it('maps paths both ways, only inside the workspace', () => {
    assert.equal(toRemote(map, '/home/me/ws/mod/a.c'), '/srv/ring0/ws/mod/a.c');
    assert.equal(toRemote(map, '/home/me/ws'), '/srv/ring0/ws');
    assert.equal(toRemote(map, '/home/me/ws2/a.c'), undefined);
    assert.equal(toLocal(map, '/srv/ring0/ws/mod/a.c'), '/home/me/ws/mod/a.c');
    assert.equal(toLocal(map, '/etc/passwd'), undefined);
  });
  it('maps argv: absolute workspace paths and --opt=PATH; relative and outside paths stay', () => {
    assert.deepEqual(mapArgv(map, ['build', 'module', '/home/me/ws/m', '--workspace=/home/me/ws', '-w', '/home/me/ws', 'rel/x.c', '/boot/vmlinuz', '--', 'cat', '/home/me/ws/f']),
      ['build', 'module', '/srv/ring0/ws/m', '--workspace=/srv/ring0/ws', '-w', '/srv/ring0/ws', 'rel/x.c', '/boot/vmlinuz', '--', 'cat', '/srv/ring0/ws/f']);
  });
  it('maps text, not a longer name that starts the same', () => {
    assert.equal(mapText(map, '/srv/ring0/ws/a.c:3:1: error: x\n/srv/ring0/ws2/b.c\n"/srv/ring0/ws"'), '/home/me/ws/a.c:3:1: error: x\n/srv/ring0/ws2/b.c\n"/home/me/ws"');
  });
  it('maps a stream whatever its chunking, byte by byte included', () => {
    const text = 'x /srv/ring0/ws/m/a.c:1: e\n/srv/ring0/wsX and /srv/ring0/ws\n/srv/ring0/w';
    const want = mapText(map, text);
    for (const size of [1, 2, 3, 7, 13, 1000]) {
      const m = new StreamMapper(map);
      const parts: Buffer[] = [];
      const b = Buffer.from(text);
      for (let i = 0; i < b.length; i += size) parts.push(m.push(b.subarray(i, i + size)));
      parts.push(m.end());
      assert.equal(Buffer.concat(parts).toString(), want, `chunks of ${size}`);
    }
    const m = new StreamMapper(map);
    assert.equal(Buffer.concat([m.push(Buffer.from('/srv/ring0/ws')), m.end()]).toString(), '/home/me/ws');
  });
  it('rewrites compile_commands.json to local paths', () => {
    const text = JSON.stringify([{ directory: '/srv/ring0/ws/m', file: '/srv/ring0/ws/m/a.c', arguments: ['gcc', '-I/srv/ring0/ws/inc', '-c', 'a.c'], output: 'a.o' }]);
    const out = JSON.parse(rewriteCompileCommands(text, (s) => mapText(map, s)));
    assert.deepEqual(out, [{ directory: '/home/me/ws/m', file: '/home/me/ws/m/a.c', arguments: ['gcc', '-I/home/me/ws/inc', '-c', 'a.c'], output: 'a.o' }]);
    assert.throws(() => rewriteCompileCommands('{}', (s) => s), /not a JSON array/);
  });
  it('places a workspace on the remote', () => {
    assert.match(defaultRemoteWorkspaceDir('/home/dev', '/home/me/my ws'), /^\/home\/dev\/ring0-workspaces\/my_ws-[0-9a-f]{8}$/);
    assert.equal(resolveRemoteDir('/home/dev', '~/w/'), '/home/dev/w');
    assert.equal(resolveRemoteDir('/home/dev', '/srv//w/'), '/srv/w');
    assert.throws(() => resolveRemoteDir('/home/dev', 'w'), /absolute or start with ~\//);
  });
});

describe('sync planning', () => {
  const f = (rel: string, size: number, mtime: number, mode = 0o644): FileEntry => ({ rel, size, mtime, mode });
  it('uploads new and resized files, hashes same-size ones with another mtime, deletes removed sources', () => {
    const local = [f('a.c', 10, 100), f('b.c', 20, 100), f('c.c', 30, 200), f('d.sh', 5, 100, 0o755), f('sub/deep/e.c', 1, 1), f('m/x.ko', 99, 1), f('.git/HEAD', 1, 1)];
    const remote = [f('b.c', 21, 100), f('c.c', 30, 100), f('d.sh', 5, 100), f('gone.c', 1, 1), f('m/x.ko', 5, 5), f('m/.x.o.cmd', 1, 1), f('m/x.mod.c', 1, 1)];
    const plan = planPush(local, remote, ['sub']);
    assert.deepEqual(plan, { upload: ['a.c', 'b.c', 'sub/deep/e.c'], compare: ['c.c'], chmod: ['d.sh'], delete: ['gone.c'], mkdirs: ['sub/deep'] });
  });
  it('nothing to do when size and mtime agree', () => {
    const same = [f('a.c', 10, 100), f('Makefile', 3, 4)];
    assert.deepEqual(planPush(same, same), { upload: [], compare: [], chmod: [], delete: [], mkdirs: [] });
  });
  it('after hashing, uploads only what differs', () => {
    assert.deepEqual(resolveCompare(['a', 'b', 'c'], new Map([['a', '1'], ['b', '2'], ['c', '3']]), new Map([['a', '1'], ['b', 'x']])), { upload: ['b', 'c'], touch: ['a'] });
  });
  it('pulls back new or changed modules, BPF objects and compile databases only', () => {
    const remote = [f('m/x.ko', 5, 5), f('m/x.o', 5, 5), f('p/y.bpf.o', 7, 7), f('m/compile_commands.json', 100, 9), f('a.c', 1, 1), f('.ring0/initrd.img', 1, 1)];
    assert.deepEqual(planPull([], remote), ['m/compile_commands.json', 'm/x.ko', 'p/y.bpf.o']);
    // compile_commands.json comes back rewritten (another size): its mtime alone decides.
    assert.deepEqual(planPull([f('m/x.ko', 5, 5), f('p/y.bpf.o', 7, 6), f('m/compile_commands.json', 80, 9)], remote), ['p/y.bpf.o']);
  });
  it('parses find -printf listings with odd names', () => {
    const out = 'd 755 4096 1700000000.5 sub\0f 644 12 1700000001.9999 sub/a b.c\0f 755 3 1700000002 run\nme.sh\0l 777 4 1 link\0';
    assert.deepEqual(parseFindListing(out), { dirs: ['sub'], files: [f('sub/a b.c', 12, 1700000001), f('run\nme.sh', 3, 1700000002, 0o755)] });
  });
});

describe('the CLI\'s global remote flags', () => {
  it('takes them only before the command words', () => {
    assert.deepEqual(splitGlobalFlags(['--remote', 'ssh://u@h', '--accept-new-host-key', 'run', '--', 'uname', '--remote']), { flags: { url: 'ssh://u@h', acceptNewHostKey: true }, given: ['--remote=ssh://u@h', '--accept-new-host-key'], rest: ['run', '--', 'uname', '--remote'] });
    assert.deepEqual(splitGlobalFlags(['--identity=/k', '--remote-dir', '~/w', 'vm', 'status']).flags, { identity: '/k', remoteDir: '~/w' });
    assert.throws(() => splitGlobalFlags(['--remote']), /needs a value/);
  });
});
