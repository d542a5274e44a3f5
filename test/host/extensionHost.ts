// Runs a mocha suite inside the real Node extension host: code-server's VS Code server (server-main.js
// on Node 24) plus a headless chromium workbench whose `payload` names the extension and the tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testHostPaths } from '../../kernel/host/testHostPaths';
import { QUIET_SETTINGS, launchChromium, repoRoot } from './codeServer';
import { makeTempDir, removeTempDir, startProc, tail, type Proc } from './proc';

/** Environment variable through which the suite's index.js learns where to write mocha's report. */
export const REPORT_ENV = 'RING0_EXTENSION_TEST_REPORT';

export interface ExtensionTestOptions {
  /** Directory (or file) whose module exports `run(): Promise<void>`, e.g. out/test/host/extension. */
  extensionTestsPath: string;
  /** The extension under test; default the repository root (package.json main: dist/extension.js). */
  extensionDevelopmentPath?: string;
  /** Folder the window opens; default an empty temp folder. */
  workspace?: string;
  /** User settings merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Whole-run limit; default 90 s. */
  timeoutMs?: number;
}

export interface ExtensionTestResult {
  /** The extension host's exit code: 0 when run() resolved; -1 on timeout. */
  exitCode: number;
  /** mocha's report (what the suite wrote), or the workbench's log when there is none. */
  log: string;
  /** Everything else worth printing on failure: server output and the workbench log. */
  transcript: string;
  durationMs: number;
}

/** Runs the suite at extensionTestsPath in the real extension host and returns its exit code and log. */
export async function runExtensionTests(opts: ExtensionTestOptions): Promise<ExtensionTestResult> {
  const started = Date.now();
  const p = testHostPaths();
  assertBuilt(opts);
  const tmp = makeTempDir('exthost');
  const report = path.join(tmp, 'mocha.log');
  const workspace = opts.workspace ?? path.join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  const workbenchLog: string[] = [];
  let server: Proc | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let exitCode = -1;
  try {
    server = startProc('vscode-server', p.node24, [
      p.vscodeServerMain,
      '--host', '127.0.0.1',
      '--port', '0',
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--user-data-dir', userData,
      '--extensions-dir', path.join(tmp, 'extensions'),
      '--server-data-dir', path.join(tmp, 'server-data'),
    ], { cwd: tmp, env: { ...process.env, TMPDIR: tmp, [REPORT_ENV]: report } });
    const port = Number((await server.waitFor(/Extension host agent listening on (\d+)/, 30_000))[1]);
    const authority = `127.0.0.1:${port}`;
    const remote = (file: string) => `vscode-remote://${authority}${path.resolve(file)}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath ?? repoRoot)],
      ['extensionTestsPath', remote(opts.extensionTestsPath)],
    ]);
    browser = await launchChromium();
    const page = await browser.newPage();
    let onExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (onExit = resolve));
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = Array.isArray(message) ? message.map(String).join(' ') : String(message);
      workbenchLog.push(`[${level}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
    page.on('pageerror', (e) => workbenchLog.push(`[pageerror] ${e.message}`));
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const timeoutMs = opts.timeoutMs ?? 90_000;
    let timer: NodeJS.Timeout | undefined;
    exitCode = await Promise.race([
      exited,
      new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs))),
      server.exited.then(() => -2),
    ]);
    clearTimeout(timer);
    if (exitCode === -1) workbenchLog.push(`[runner] no codeAutomationExit within ${timeoutMs} ms`);
    if (exitCode === -2) workbenchLog.push('[runner] the VS Code server exited during the run');
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.kill();
  }
  const mocha = existsSync(report) ? readFileSync(report, 'utf8') : '';
  const wbLog = workbenchLog.join('\n');
  const result: ExtensionTestResult = {
    exitCode,
    log: mocha || wbLog,
    transcript: [
      '--- VS Code server output (tail) ---',
      tail(server?.output() ?? '(not started)', 80),
      '--- workbench log (tail) ---',
      tail(wbLog, 80),
    ].join('\n'),
    durationMs: Date.now() - started,
  };
  removeTempDir(tmp);
  return result;
}

/** Fails fast (instead of a silent 90 s wait) when the extension or the suite was not built. */
function assertBuilt(opts: ExtensionTestOptions): void {
  const dev = opts.extensionDevelopmentPath ?? repoRoot;
  const main = (JSON.parse(readFileSync(path.join(dev, 'package.json'), 'utf8')) as { main?: string }).main;
  if (main && !existsSync(path.join(dev, main))) throw new Error(`${path.join(dev, main)} does not exist: run \`npm run build\``);
  const tests = opts.extensionTestsPath;
  if (!existsSync(tests) && !existsSync(`${tests}.js`)) throw new Error(`${tests} does not exist: run \`npm run build\``);
}

/**
 * Runs the same suite through @vscode/test-electron in a desktop VS Code at `vscodeExecutablePath`
 * (RING0_VSCODE_EXECUTABLE); the report comes from the same REPORT_ENV file.
 */
export async function runExtensionTestsElectron(vscodeExecutablePath: string, opts: ExtensionTestOptions): Promise<ExtensionTestResult> {
  const started = Date.now();
  assertBuilt(opts);
  const { runTests } = await import('@vscode/test-electron');
  const tmp = makeTempDir('electron');
  const report = path.join(tmp, 'mocha.log');
  const workspace = opts.workspace ?? path.join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  let exitCode: number;
  let error = '';
  try {
    exitCode = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: opts.extensionDevelopmentPath ?? repoRoot,
      extensionTestsPath: opts.extensionTestsPath,
      extensionTestsEnv: { [REPORT_ENV]: report },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions')],
    });
  } catch (e) {
    exitCode = 1;
    error = e instanceof Error ? e.message : String(e);
  }
  const mocha = existsSync(report) ? readFileSync(report, 'utf8') : '';
  removeTempDir(tmp);
  return { exitCode, log: mocha, transcript: error, durationMs: Date.now() - started };
}
