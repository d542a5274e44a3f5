// Pure VM pieces: cpio, modules.dep order, QEMU arguments, settings, boot config quoting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCpio, writeCpio } from '../../kernel/vm/cpio';
import { bootConfigText, busyboxApplets, shellQuote } from '../../kernel/vm/initramfs';
import { loadOrder, moduleName, parseModulesDep } from '../../kernel/vm/modules';
import { kernelCommandLine, qemuArgs, type QemuSpec } from '../../kernel/vm/qemuArgs';
import { coerceVmSettings } from '../../kernel/vm/settings';
import { compareReleases } from '../../kernel/vm/kernelImage';
import { vmPaths } from '../../kernel/vm/paths';
import path from 'node:path';

describe('cpio', () => {
  it('round-trips files, dirs and symlinks with 4-byte alignment', () => {
    const buf = writeCpio([
      { kind: 'dir', path: 'bin' },
      { kind: 'file', path: 'bin/x', data: Buffer.from('hello'), mode: 0o755 },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
      { kind: 'file', path: 'odd', data: Buffer.from('abc') },
    ]);
    assert.equal(buf.length % 4, 0);
    const entries = readCpio(buf);
    assert.deepEqual(entries.map((e) => e.path), ['bin', 'bin/x', 'bin/sh', 'odd']);
    assert.equal(entries[1].data.toString(), 'hello');
    assert.equal(entries[1].mode & 0o777, 0o755);
    assert.equal(entries[2].data.toString(), 'busybox');
    assert.equal(entries[3].data.toString(), 'abc');
  });
});

describe('modules.dep', () => {
  const dep = parseModulesDep([
    'kernel/fs/fuse/fuse.ko:',
    'kernel/fs/fuse/virtiofs.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko kernel/fs/fuse/fuse.ko',
    'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio.ko:',
    'kernel/drivers/virtio/virtio_ring.ko:',
    'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
    'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
    'kernel/drivers/a-b.ko: kernel/drivers/a-b.ko',
  ].join('\n'));

  it('loads dependencies first, each once', () => {
    const order = loadOrder(dep, ['virtio_pci', 'virtiofs']).map(moduleName);
    assert.deepEqual(order, ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'fuse', 'virtiofs']);
  });

  it('skips built-in modules and names a missing one', () => {
    assert.deepEqual(loadOrder(dep, ['overlay'], new Set(['overlay'])), []);
    assert.throws(() => loadOrder(dep, ['overlay']), /overlay is not in modules.dep/);
  });

  it('reports a dependency cycle instead of recursing forever', () => {
    assert.throws(() => loadOrder(dep, ['a-b']), /cycle/);
  });
});

describe('QEMU arguments', () => {
  const spec: QemuSpec = {
    name: 'ring0:ws', accel: 'tcg', memoryMiB: 512, cpus: 2, kernel: '/boot/vmlinuz', initrd: '/ws/.ring0/initrd.img',
    kernelArgs: ['loglevel=7'],
    sockets: { qmp: '/r/qmp.sock', agent: '/r/agent.sock', serial: '/r/serial.sock', serialLog: '/ws/.ring0/serial.log', gdb: { unix: '/r/gdb.sock' } },
    shares: [{ tag: 'workspace', socket: '/r/vfs-workspace.sock' }],
    extra: ['-device', 'edu'],
  };

  it('uses unix sockets for every control channel and never -s', () => {
    const args = qemuArgs(spec);
    assert.ok(!args.includes('-s'));
    assert.ok(!args.join(' ').includes('0.0.0.0'));
    assert.ok(args.includes('-nodefaults') && args.includes('-no-reboot'));
    assert.ok(args.some((a) => a.startsWith('socket,id=gdb0,path=/r/gdb.sock')));
    assert.deepEqual(args.slice(-2), ['-device', 'edu']);
  });

  it('binds a TCP gdb stub to 127.0.0.1 only', () => {
    const args = qemuArgs({ ...spec, sockets: { ...spec.sockets, gdb: { port: 1234 } } });
    assert.ok(args.includes('socket,id=gdb0,host=127.0.0.1,port=1234,server=on,wait=off'));
  });

  it('shares memory for virtiofs and puts user words after Ring0 kernel arguments', () => {
    const args = qemuArgs(spec);
    assert.ok(args.includes('memory-backend-memfd,id=mem,size=512M,share=on'));
    assert.match(kernelCommandLine(spec), /^console=ttyS0 .*panic=-1.* loglevel=7$/);
  });
});

describe('VM settings and boot config', () => {
  it('keeps valid values and reports bad ones', () => {
    const warnings: string[] = [];
    const s = coerceVmSettings({ 'ring0.vm.memoryMiB': 1024, 'ring0.vm.cpus': 'two', 'ring0.vm.accel': 'tcg', 'ring0.vm.qemuArgs': ['-device', 3] }, (m) => warnings.push(m));
    assert.deepEqual(s, { memoryMiB: 1024, accel: 'tcg' });
    assert.equal(warnings.length, 2);
  });

  it('quotes workspace paths so /init can source them safely', () => {
    assert.equal(shellQuote("it's $(here)"), `'it'\\''s $(here)'`);
    assert.match(bootConfigText({ workspace: '/a b/c', shareHostRoot: true }), /^R0_WORKSPACE='\/a b\/c'\nR0_HOSTROOT=1\n/);
  });

  it('reads busybox applet lists', () => {
    assert.deepEqual(busyboxApplets('sh\nls\n[\n[[\nbusybox\n'), ['sh', 'ls', '[', '[[']);
  });

  it('sorts kernel releases numerically', () => {
    assert.ok(compareReleases('6.1.0-56-cloud-amd64', '6.1.0-9-cloud-amd64') > 0);
    assert.ok(compareReleases('6.12.0-1', '6.1.0-56') > 0);
  });

  it('moves sockets to a short directory when the workspace path is long', () => {
    const short = vmPaths('/w');
    assert.equal(short.runDir, '/w/.ring0/run');
    const long = vmPaths('/' + 'x'.repeat(120));
    assert.ok(long.sockets.share('hostroot').length < 108);
    assert.notEqual(vmPaths('/' + 'x'.repeat(120)).runDir, vmPaths('/' + 'y'.repeat(120)).runDir);
  });
});

describe('kernel lookup', () => {
  it('names the Debian package when no cloud kernel is installed', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { resolveKernel } = await import('../../kernel/vm/vm');
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ring0-boot-'));
    try {
      assert.throws(() => resolveKernel(undefined, { boot: empty, modules: empty, debug: empty }), /Install the package linux-image-cloud-amd64/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('virtiofsd command', () => {
  it('shares the host root through a read-only bind as root, and runs in a user namespace otherwise', async () => {
    const { virtiofsdCommand } = await import('../../kernel/vm/virtiofsd');
    const o = { binary: '/usr/lib/qemu/virtiofsd', source: '/', socket: '/r/vfs-hostroot.sock', log: '/dev/null', cache: 'always' as const, readOnly: { mountPoint: '/r/hostroot-ro' } };
    const asRoot = virtiofsdCommand(o, true);
    assert.equal(asRoot.file, 'unshare');
    assert.ok(asRoot.args.includes('mount --bind -o ro "$1" "$2" && shift 2 && exec "$@"'));
    assert.ok(asRoot.args.includes('source=/r/hostroot-ro'), 'virtiofsd serves the read-only bind, not / itself');
    const asUser = virtiofsdCommand(o, false);
    assert.deepEqual(asUser.args.slice(0, 4), ['--user', '--map-root-user', '--mount', '--']);
    const plain = virtiofsdCommand({ ...o, readOnly: undefined, source: '/ws' }, true);
    assert.equal(plain.file, '/usr/lib/qemu/virtiofsd');
    assert.ok(plain.args.includes('source=/ws'));
  });
});

describe('initramfs for a kernel without modules', () => {
  it('builds with no modules to load when modules.dep is absent (drivers built in)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const { buildInitramfs } = await import('../../kernel/vm/initramfs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-nomods-'));
    const guest = path.join(dir, 'guest');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(guest);
    writeFileSync(path.join(guest, 'init.sh'), '#!/bin/sh\n');
    writeFileSync(path.join(guest, 'stage2.sh'), '#!/bin/sh\n');
    writeFileSync(path.join(dir, 'busybox'), 'bb');
    writeFileSync(path.join(dir, 'agent'), 'agent');
    const r = buildInitramfs({ busybox: path.join(dir, 'busybox'), agent: path.join(dir, 'agent'), modulesDir: path.join(dir, 'no-modules'), guestDir: guest }, ['sh'], path.join(dir, 'cache'));
    assert.deepEqual(r.modules, []);
    const entries = readCpio((await import('node:fs')).readFileSync(r.path));
    assert.equal(entries.find((e) => e.path === 'ring0/modules.order')?.data.toString(), '');
  });
});
