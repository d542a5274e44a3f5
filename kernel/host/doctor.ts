// `ring0 doctor`: every host dependency Ring0 uses, found or not, with the exact command that fixes it.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { findDefaultKernel, type KernelImage } from '../vm/kernelImage';
import { run } from '../util/run';
import { testHostPaths } from './testHostPaths';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  version?: string;
  path?: string;
  required: boolean;
  /** The exact command that installs or fixes it. */
  install: string;
  /** What it is for, shown next to a missing dependency. */
  purpose: string;
  /** Debian packages that provide it; `ring0 setup` installs these. */
  packages: string[];
  /** Which `ring0 setup` flag installs it, for the optional ones. */
  setupFlag?: '--debug-symbols' | '--kernel-source' | '--test-host';
}

export interface DoctorEnv {
  /** Directories searched for programs, in order. */
  pathDirs: string[];
  kernel?: KernelImage;
  isRoot: boolean;
  /** Runs `file args` and returns its stdout+stderr, or undefined if it failed to run. */
  versionOf(file: string, args: string[]): Promise<string | undefined>;
  exists(p: string): boolean;
  listDir(p: string): string[];
}

export function systemDoctorEnv(): DoctorEnv {
  const pathDirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/lib/qemu'];
  return {
    pathDirs: [...new Set(pathDirs)],
    kernel: findDefaultKernel(),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    async versionOf(file, args) {
      const r = await run(file, args, { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 });
      if (r.spawnError || r.timedOut) return undefined;
      return `${r.stdout}\n${r.stderr}`;
    },
    exists: (p) => existsSync(p),
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
  };
}

/** First version-looking token in a tool's output; undefined for garbage. */
export function parseVersion(output: string | undefined): string | undefined {
  if (!output) return undefined;
  const m = /(?:^|[\s(v])(\d+\.\d+(?:\.\d+)?(?:[-+~][0-9A-Za-z.+~-]*)?)/m.exec(output);
  return m?.[1];
}

export function aptCommand(packages: string[], isRoot: boolean): string {
  return `${isRoot ? '' : 'sudo '}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function findProgram(env: DoctorEnv, names: string[]): string | undefined {
  for (const name of names) {
    if (name.startsWith('/')) {
      if (env.exists(name)) return name;
      continue;
    }
    for (const dir of env.pathDirs) {
      const p = path.join(dir, name);
      if (env.exists(p)) return p;
    }
  }
  return undefined;
}

interface ProgramSpec {
  name: string;
  programs: string[];
  versionArgs: string[];
  packages: string[];
  required: boolean;
  purpose: string;
  setupFlag?: DoctorCheck['setupFlag'];
}

async function programCheck(env: DoctorEnv, spec: ProgramSpec): Promise<DoctorCheck> {
  const found = findProgram(env, spec.programs);
  let version: string | undefined;
  if (found) version = parseVersion(await env.versionOf(found, spec.versionArgs).catch(() => undefined));
  return {
    name: spec.name,
    ok: !!found,
    ...(version ? { version } : {}),
    ...(found ? { path: found } : {}),
    required: spec.required,
    install: installFor(env, spec.packages, spec.setupFlag),
    purpose: spec.purpose,
    packages: spec.packages,
    ...(spec.setupFlag ? { setupFlag: spec.setupFlag } : {}),
  };
}

function installFor(env: DoctorEnv, packages: string[], flag?: DoctorCheck['setupFlag']): string {
  if (flag === '--test-host') return 'ring0 setup --test-host';
  return aptCommand(packages, env.isRoot);
}

function fileCheck(
  env: DoctorEnv,
  c: { name: string; file?: string; version?: string; packages: string[]; required: boolean; purpose: string; setupFlag?: DoctorCheck['setupFlag'] },
): DoctorCheck {
  const ok = !!c.file && env.exists(c.file);
  return {
    name: c.name,
    ok,
    ...(ok && c.version ? { version: c.version } : {}),
    ...(ok ? { path: c.file } : {}),
    required: c.required,
    install: installFor(env, c.packages, c.setupFlag),
    purpose: c.purpose,
    packages: c.packages,
    ...(c.setupFlag ? { setupFlag: c.setupFlag } : {}),
  };
}

/** The Debian source package version of the kernel, e.g. 6.1 for linux-source-6.1. */
function sourceSeries(release: string | undefined): string {
  const m = /^(\d+\.\d+)/.exec(release ?? '');
  return m ? m[1] : '6.1';
}

export async function runDoctor(env: DoctorEnv = systemDoctorEnv()): Promise<DoctorCheck[]> {
  const k = env.kernel;
  const release = k?.release;
  const series = sourceSeries(release);
  const programs: ProgramSpec[] = [
    { name: 'qemu-system-x86_64', programs: ['qemu-system-x86_64'], versionArgs: ['--version'], packages: ['qemu-system-x86'], required: true, purpose: 'runs the VM' },
    { name: 'virtiofsd', programs: ['/usr/lib/qemu/virtiofsd', '/usr/libexec/virtiofsd', 'virtiofsd'], versionArgs: ['--version'], packages: ['qemu-system-x86'], required: true, purpose: 'shares the workspace and host tools with the VM' },
    { name: 'gdb', programs: ['gdb'], versionArgs: ['--version'], packages: ['gdb'], required: true, purpose: 'kernel debugging through QEMU\'s gdb stub' },
    { name: 'clang', programs: ['clang'], versionArgs: ['--version'], packages: ['clang', 'llvm'], required: true, purpose: 'compiles BPF programs' },
    { name: 'bpftool', programs: ['bpftool', '/usr/sbin/bpftool'], versionArgs: ['--version'], packages: ['bpftool'], required: true, purpose: 'generates vmlinux.h and inspects BPF objects' },
    { name: 'busybox-static', programs: ['/bin/busybox', '/usr/bin/busybox'], versionArgs: ['--help'], packages: ['busybox-static'], required: true, purpose: 'the VM\'s minimal userspace' },
    { name: 'gcc', programs: ['gcc'], versionArgs: ['--version'], packages: ['gcc', 'libc6-dev', 'make'], required: true, purpose: 'builds kernel modules and the static guest agent' },
    { name: 'make', programs: ['make'], versionArgs: ['--version'], packages: ['make'], required: true, purpose: 'runs Kbuild' },
    { name: 'clangd', programs: ['clangd'], versionArgs: ['--version'], packages: ['clangd'], required: false, purpose: 'hover and completion on kernel APIs' },
    { name: 'chromium', programs: ['chromium', '/usr/bin/chromium'], versionArgs: ['--version'], packages: ['chromium'], required: false, purpose: 'the browser for Ring0\'s real-VS-Code UI tests', setupFlag: '--test-host' },
    { name: 'bpftrace', programs: ['bpftrace'], versionArgs: ['--version'], packages: ['bpftrace'], required: false, purpose: '`ring0 bpftrace` and .bt files (runs in the VM from the host-root share)', setupFlag: '--test-host' },
    // Tools the io_uring and container labs run in the VM from the host root.
    { name: 'fio', programs: ['fio'], versionArgs: ['--version'], packages: ['fio'], required: false, purpose: 'the io_uring labs\' libaio vs io_uring benchmark', setupFlag: '--test-host' },
    { name: 'strace', programs: ['strace'], versionArgs: ['-V'], packages: ['strace'], required: false, purpose: 'counts system calls in the linked-SQE io_uring lab', setupFlag: '--test-host' },
    // Building your own kernel (`ring0 kernel build`); a plain `ring0 setup` installs them.
    { name: 'flex', programs: ['flex'], versionArgs: ['--version'], packages: ['flex'], required: false, purpose: 'Kconfig\'s and the kernel\'s lexers (ring0 kernel config/build)' },
    { name: 'bison', programs: ['bison'], versionArgs: ['--version'], packages: ['bison'], required: false, purpose: 'Kconfig\'s and the kernel\'s parsers (ring0 kernel config/build)' },
    { name: 'bc', programs: ['bc'], versionArgs: ['--version'], packages: ['bc'], required: false, purpose: 'kernel build constants (ring0 kernel build)' },
    { name: 'pahole', programs: ['pahole'], versionArgs: ['--version'], packages: ['dwarves'], required: false, purpose: 'BTF for your own kernel (CONFIG_DEBUG_INFO_BTF)' },
    { name: 'crash', programs: ['crash'], versionArgs: ['--version'], packages: ['crash'], required: false, purpose: 'opens crash dumps of the VM (ring0 crash)', setupFlag: '--debug-symbols' },
    { name: 'ccache', programs: ['ccache'], versionArgs: ['--version'], packages: ['ccache'], required: false, purpose: 'faster kernel rebuilds after config changes (optional)' },
    { name: 'g++ (code-server build)', programs: ['g++'], versionArgs: ['--version'], packages: ['g++', 'make', 'python3'], required: false, purpose: 'builds code-server\'s native modules for the real-VS-Code tests', setupFlag: '--test-host' },
  ];
  const checks = await Promise.all(programs.map((p) => programCheck(env, p)));

  const kernelPkg = release ? `linux-image-${release}` : 'linux-image-cloud-amd64';
  checks.splice(2, 0,
    fileCheck(env, { name: 'kernel image', file: k?.image, version: release, packages: [release ? kernelPkg : 'linux-image-cloud-amd64'], required: true, purpose: 'the kernel the VM boots (Debian cloud kernel)' }),
    fileCheck(env, { name: 'kernel modules', file: k?.modulesDir ? path.join(k.modulesDir, 'modules.dep') : undefined, version: release, packages: [release ? kernelPkg : 'linux-image-cloud-amd64'], required: true, purpose: 'virtio, fuse and overlay drivers for the VM' }),
    fileCheck(env, { name: 'kernel headers', file: k?.buildDir ? path.join(k.buildDir, 'Makefile') : undefined, version: release, packages: [release ? `linux-headers-${release}` : 'linux-headers-cloud-amd64'], required: true, purpose: 'builds kernel modules against the VM kernel' }),
    fileCheck(env, { name: 'debug vmlinux', file: release ? `/usr/lib/debug/boot/vmlinux-${release}` : undefined, version: release, packages: [release ? `linux-image-${release}-dbg` : 'linux-image-cloud-amd64-dbg'], required: false, purpose: 'kernel symbols for debugging and panic decoding', setupFlag: '--debug-symbols' }),
    fileCheck(env, { name: 'kernel source', file: kernelSourceFile(env, series), version: series, packages: [`linux-source-${series}`], required: false, purpose: 'kernel sources shown while debugging', setupFlag: '--kernel-source' }),
  );
  checks.push(
    fileCheck(env, { name: 'libelf headers', file: '/usr/include/libelf.h', packages: ['libelf-dev'], required: false, purpose: 'objtool and resolve_btfids in your own kernel build' }),
    fileCheck(env, { name: 'OpenSSL headers', file: '/usr/include/openssl/ssl.h', packages: ['libssl-dev'], required: false, purpose: 'the kernel build\'s signing and certificate tools' }),
    fileCheck(env, { name: 'libbpf headers', file: '/usr/include/bpf/bpf_helpers.h', packages: ['libbpf-dev'], required: true, purpose: 'BPF program headers and the guest BPF loader' }),
    fileCheck(env, { name: 'static libc', file: '/usr/lib/x86_64-linux-gnu/libc.a', packages: ['libc6-dev'], required: true, purpose: 'links the static guest agent' }),
    fileCheck(env, { name: 'liburing headers', file: '/usr/include/liburing.h', packages: ['liburing-dev'], required: false, purpose: 'the io_uring labs\' C programs, compiled in the VM', setupFlag: '--test-host' }),
    fileCheck(env, { name: 'BCC (python3-bpfcc)', file: '/usr/lib/python3/dist-packages/bcc/__init__.py', packages: ['python3-bpfcc'], required: false, purpose: 'BCC/Python tools in the VM (the eBPF labs run them from the host root)', setupFlag: '--test-host' }),
    fileCheck(env, { name: 'libFuzzer runtime', file: libFuzzerFile(env), packages: ['libclang-rt-14-dev'], required: false, purpose: '`npm run fuzz` and the unit tier fuzz the guest agent\'s C parsers under ASan/UBSan with it', setupFlag: '--test-host' }),
    fileCheck(env, { name: 'Kerberos headers (code-server build)', file: '/usr/include/gssapi/gssapi.h', packages: ['libkrb5-dev'], required: false, purpose: 'code-server\'s kerberos module, for the real-VS-Code tests', setupFlag: '--test-host' }),
    await nodeForTestsCheck(env),
  );
  return checks;
}

function kernelSourceFile(env: DoctorEnv, series: string): string | undefined {
  for (const candidate of [`/usr/src/linux-source-${series}`, `/usr/src/linux-source-${series}.tar.xz`]) {
    if (env.exists(candidate)) return candidate;
  }
  return `/usr/src/linux-source-${series}.tar.xz`;
}

async function nodeForTestsCheck(env: DoctorEnv): Promise<DoctorCheck> {
  const { node24 } = testHostPaths();
  const out = env.exists(node24) ? await env.versionOf(node24, ['--version']).catch(() => undefined) : undefined;
  const version = parseVersion(out);
  return {
    name: 'node 24 (code-server)',
    ok: !!version && version.startsWith('24.'),
    ...(version ? { version } : {}),
    ...(env.exists(node24) ? { path: node24 } : {}),
    required: false,
    install: 'ring0 setup --test-host',
    purpose: 'runs code-server, the real VS Code for Ring0\'s extension and UI tests',
    packages: [],
    setupFlag: '--test-host',
  };
}


export function requiredMissing(checks: DoctorCheck[]): DoctorCheck[] {
  return checks.filter((c) => c.required && !c.ok);
}

/** clang 14's libFuzzer archive (Debian libclang-rt-14-dev), wherever its version directory is. */
function libFuzzerFile(env: DoctorEnv): string {
  const base = '/usr/lib/llvm-14/lib/clang';
  for (const v of env.listDir(base)) {
    const f = `${base}/${v}/lib/linux/libclang_rt.fuzzer-x86_64.a`;
    if (env.exists(f)) return f;
  }
  return `${base}/14/lib/linux/libclang_rt.fuzzer-x86_64.a`;
}
