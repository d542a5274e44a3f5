// `ring0 doctor` and `ring0 setup` planning: the JSON shape, missing tools, garbage version output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVersion, requiredMissing, runDoctor, type DoctorEnv } from '../../kernel/host/doctor';
import { packagesToInstall, parseAptStatus, setupCommandLine } from '../../kernel/host/setup';
import { packagedKernel } from '../../kernel/vm/kernelImage';

function fakeEnv(present: Set<string>, versionOutput: (file: string) => string | undefined, isRoot = true): DoctorEnv {
  return {
    pathDirs: ['/usr/bin', '/usr/sbin'],
    kernel: packagedKernel('6.1.0-56-cloud-amd64', { boot: '/boot', modules: '/lib/modules', debug: '/usr/lib/debug/boot' }),
    isRoot,
    versionOf: async (file) => versionOutput(file),
    exists: (p) => present.has(p),
    listDir: () => [],
  };
}

describe('doctor', () => {
  it('lists at least 12 dependencies in the documented shape', async () => {
    const checks = await runDoctor(fakeEnv(new Set(), () => undefined));
    assert.ok(checks.length >= 12, `${checks.length} checks`);
    for (const c of checks) {
      assert.equal(typeof c.name, 'string');
      assert.equal(typeof c.ok, 'boolean');
      assert.equal(typeof c.required, 'boolean');
      assert.equal(typeof c.install, 'string');
      assert.ok(c.install.length > 0);
    }
    const names = checks.map((c) => c.name);
    for (const n of ['qemu-system-x86_64', 'virtiofsd', 'kernel image', 'kernel headers', 'debug vmlinux', 'kernel source', 'gdb', 'clang', 'bpftool', 'libbpf headers', 'busybox-static', 'clangd', 'chromium', 'bpftrace', 'node 24 (code-server)']) {
      assert.ok(names.includes(n), n);
    }
  });

  it('reports missing tools with the exact apt command, never throwing', async () => {
    const checks = await runDoctor(fakeEnv(new Set(), () => undefined, false));
    const qemu = checks.find((c) => c.name === 'qemu-system-x86_64')!;
    assert.equal(qemu.ok, false);
    assert.equal(qemu.install, 'sudo apt-get install -y --no-install-recommends qemu-system-x86');
    const dbg = checks.find((c) => c.name === 'debug vmlinux')!;
    assert.equal(dbg.required, false);
    assert.match(dbg.install, /linux-image-6\.1\.0-56-cloud-amd64-dbg/);
    assert.ok(requiredMissing(checks).length > 0);
  });

  it('survives garbage, binary noise and failures from version commands', async () => {
    const present = new Set(['/usr/bin/gdb', '/usr/bin/clang', '/usr/bin/qemu-system-x86_64']);
    const outputs: Record<string, string | undefined> = {
      '/usr/bin/gdb': '\u0000\u00ff\u00fe garbage with no version',
      '/usr/bin/clang': undefined,
      '/usr/bin/qemu-system-x86_64': 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)',
    };
    const env = fakeEnv(present, (f) => outputs[f]);
    env.versionOf = async (f) => {
      if (f === '/usr/bin/clang') throw new Error('boom');
      return outputs[f];
    };
    const checks = await runDoctor(env);
    const gdb = checks.find((c) => c.name === 'gdb')!;
    assert.equal(gdb.ok, true);
    assert.equal(gdb.version, undefined);
    assert.equal(checks.find((c) => c.name === 'clang')!.ok, true);
    assert.equal(checks.find((c) => c.name === 'qemu-system-x86_64')!.version, '7.2.22');
  });

  it('parses versions out of real tool banners', () => {
    assert.equal(parseVersion('GNU gdb (Debian 13.1-3) 13.1\nCopyright'), '13.1-3');
    assert.equal(parseVersion('Debian clang version 14.0.6\nTarget: x86_64'), '14.0.6');
    assert.equal(parseVersion('v24.11.1'), '24.11.1');
    assert.equal(parseVersion('no digits here'), undefined);
    assert.equal(parseVersion(undefined), undefined);
  });
});

describe('setup planning', () => {
  it('installs missing required packages, and optional ones only when asked', async () => {
    const checks = await runDoctor(fakeEnv(new Set(), () => undefined));
    const plain = packagesToInstall(checks, { debugSymbols: false, kernelSource: false, testHost: false });
    assert.ok(plain.includes('qemu-system-x86') && plain.includes('busybox-static') && plain.includes('libbpf-dev'));
    assert.ok(!plain.some((p) => p.endsWith('-dbg')) && !plain.includes('chromium') && !plain.includes('clangd'));
    const all = packagesToInstall(checks, { debugSymbols: true, kernelSource: true, testHost: true });
    assert.ok(all.includes('linux-image-6.1.0-56-cloud-amd64-dbg') && all.includes('linux-source-6.1') && all.includes('chromium') && all.includes('bpftrace'));
    assert.equal(new Set(all).size, all.length, 'each package once');
  });

  it('prints the sudo command for non-root users', () => {
    assert.equal(setupCommandLine(['gdb', 'clang'], false), 'sudo apt-get update && sudo apt-get install -y --no-install-recommends gdb clang');
  });

  it('reads apt status lines and ignores noise', () => {
    assert.deepEqual(parseAptStatus('pmstatus:gdb:42.5:Unpacking gdb (amd64)'), { phase: 'install', percent: 42.5, text: 'Unpacking gdb (amd64)' });
    assert.equal(parseAptStatus('dlstatus:1:x:bad'), undefined);
    assert.equal(parseAptStatus('random text'), undefined);
  });
});
