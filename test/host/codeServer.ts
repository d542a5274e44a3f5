// Reusable pieces for real-VS-Code UI tests: start code-server (Node 24) on a workspace with Ring0's
// .vsix installed, drive the workbench in Debian chromium with playwright-core, reach webview content.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { testHostInstalled } from '../../kernel/host/testHostInstall';
import { testHostPaths } from '../../kernel/host/testHostPaths';
import { makeTempDir, removeTempDir, startProc, tail, type Proc } from './proc';
import { localizedPackageJson } from '../manifestStrings';

/** The repository root (this file runs compiled, from out/test/host/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
export const chromiumPath = process.env.RING0_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** User settings for test windows: nothing opens by itself, nothing phones home. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

/** Why the real-VS-Code tests cannot run here, or undefined when they can. */
export function testHostSkipReason(): string | undefined {
  if (!testHostInstalled()) return 'code-server is not installed: run `node dist/cli.js setup --test-host`';
  if (!existsSync(chromiumPath)) return `no chromium at ${chromiumPath}: apt-get install chromium`;
  return undefined;
}

export interface CodeServerDirs {
  /** Holds everything below; a temp dir unless the caller passed one. */
  root: string;
  userData: string;
  extensions: string;
  config: string;
  xdgConfig: string;
  xdgData: string;
  tmp: string;
}

export function codeServerDirs(root: string): CodeServerDirs {
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    config: path.join(root, 'config.yaml'),
    xdgConfig: path.join(root, 'xdg-config'),
    xdgData: path.join(root, 'xdg-data'),
    tmp: path.join(root, 'tmp'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData, dirs.tmp]) mkdirSync(d, { recursive: true });
  if (!existsSync(dirs.config)) writeFileSync(dirs.config, '# code-server config for Ring0: the command line sets the rest.\nauth: none\ndisable-telemetry: true\ndisable-update-check: true\n');
  return dirs;
}

function codeServerEnv(dirs: CodeServerDirs, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, TMPDIR: dirs.tmp, ...extra };
}

/** Packages the current build (dist/, media/) into a .vsix with vsce, without rebuilding. */
export function packageVsix(outFile: string): string {
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', outFile], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 || !existsSync(outFile)) throw new Error(`vsce package failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return outFile;
}

/** `code-server --install-extension VSIX` into these dirs (about half a second). */
export function installVsix(vsix: string, dirs: CodeServerDirs): void {
  const p = testHostPaths();
  const r = spawnSync(p.node24, [p.codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', dirs.config, '--force', '--install-extension', vsix], {
    env: codeServerEnv(dirs),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export interface CodeServerOptions {
  /** Folder the workbench opens. */
  workspace?: string;
  /** .vsix files installed before the server starts. */
  vsix?: string[];
  /** User settings merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Leave an existing settings.json alone (a persistent dataDir the user may have customized). */
  keepUserSettings?: boolean;
  /** Port on 127.0.0.1; default 0 (the kernel picks one). */
  port?: number;
  /** Keep state here instead of a temp dir that stop() removes. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra code-server arguments. */
  args?: string[];
  /** Also copy code-server's output here as it arrives (e.g. process.stderr). */
  echo?: NodeJS.WritableStream;
  /** Keep VS Code's workspace trust on (default off: --disable-workspace-trust); pair with the trust settings. */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  readonly workspace: string | undefined;
  readonly dirs: CodeServerDirs;
  readonly proc: Proc;
  /** The workbench URL, opening `folder` (default: the workspace). */
  workbenchUrl(folder?: string): string;
  /** code-server's output so far. */
  log(): string;
  /** Kills code-server's process group; removes the dirs unless they were the caller's dataDir. */
  stop(): Promise<void>;
}

/** Starts code-server (its own user data, extensions, config and XDG dirs) with --auth none on 127.0.0.1. */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const p = testHostPaths();
  const ownDir = !opts.dataDir;
  const dirs = codeServerDirs(opts.dataDir ?? makeTempDir('code-server'));
  let proc: Proc | undefined;
  try {
    const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    if (!opts.keepUserSettings || !existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
    for (const vsix of opts.vsix ?? []) installVsix(vsix, dirs);
    const args = [
      p.codeServerEntry,
      '--bind-addr', `127.0.0.1:${opts.port ?? 0}`,
      '--auth', 'none',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      '--config', dirs.config,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(opts.args ?? []),
      ...(opts.workspace ? [opts.workspace] : []),
    ];
    proc = startProc('code-server', p.node24, args, { cwd: dirs.root, env: codeServerEnv(dirs, opts.env), echo: opts.echo });
    const m = await proc.waitFor(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//, 30_000);
    const port = Number(m[1]);
    const url = `http://127.0.0.1:${port}/`;
    const started = proc;
    return {
      url,
      port,
      workspace: opts.workspace,
      dirs,
      proc: started,
      workbenchUrl: (folder = opts.workspace) => (folder ? `${url}?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}` : url),
      log: () => started.output(),
      async stop() {
        await started.kill();
        if (ownDir) removeTempDir(dirs.root);
      },
    };
  } catch (e) {
    await proc?.kill();
    if (ownDir) removeTempDir(dirs.root);
    throw e;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface Workbench {
  readonly page: Page;
  /** The page's console messages so far, one per line. */
  consoleLog(): string;
}

/** Opens `url` in a new page and waits until the workbench shows its activity bar. */
export async function openWorkbench(browser: Browser, url: string): Promise<Workbench> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const lines: string[] = [];
  page.on('console', (m) => {
    lines.push(`[${m.type()}] ${m.text().replace(/^%c\s*\S+\s+color:\s*\S+\s*/, '')}`);
    if (lines.length > 2000) lines.shift();
  });
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  page.setDefaultTimeout(20_000);
  await page.goto(url);
  await page.locator('.monaco-workbench .activitybar').waitFor();
  return { page, consoleLog: () => lines.join('\n') };
}

/** Clicks Ring0's activity bar icon (unless its container is open already) and returns the side bar. */
export async function openRing0Container(page: Page): Promise<Locator> {
  const sidebar = page.locator('.part.sidebar');
  const title = sidebar.locator('.composite.title .title-label h2');
  const icon = page.locator('.activitybar a.action-label[aria-label^="Ring0"]');
  if (!(await sidebar.isVisible()) || !/ring0/i.test((await title.textContent()) ?? '')) await icon.click();
  // Right after a (re)load the workbench may still restore its layout and hide the side bar again.
  const shown = await title.filter({ hasText: /ring0/i }).waitFor({ timeout: 5000 }).then(() => true, () => false);
  if (!shown) {
    await icon.click();
    await title.filter({ hasText: /ring0/i }).waitFor();
  }
  return sidebar;
}

/** A view's pane in the side bar, found by its header title (e.g. 'VM'). */
export function viewPane(page: Page, name: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(name)}$`, 'i') }) });
}

/** Runs a command from the command palette by its full title, e.g. 'Ring0: About / Doctor'. */
export async function runPaletteCommand(page: Page, title: string): Promise<void> {
  // F1 reaches the workbench even from inside a webview, which forwards keybindings to it.
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The editor tab whose label is `title`. */
export function editorTab(page: Page, title: string): Locator {
  return page.locator('.tabs-container .tab').filter({ has: page.locator('.label-name', { hasText: title }) });
}

/** The active webview's content document (VS Code nests it two iframes deep). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Saves a full-window screenshot as test-results/screenshots/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A package.json viewsWelcome entry. */
export interface ViewWelcome { view: string; contents: string; when?: string }

/**
 * The text lines a view's welcome content shows under the given context keys (e.g.
 * { 'ring0.vmState': 'stopped' }): entries whose `when` holds, markdown links reduced to their text.
 * `when` may use `key == value`, `key != value` and `&&`; anything else throws, so tests get updated.
 */
export function expectedWelcome(viewId: string, context: Record<string, string>): string[] {
  const pkg = localizedPackageJson() as { contributes: { viewsWelcome?: ViewWelcome[] } };
  const entries = (pkg.contributes.viewsWelcome ?? []).filter((w) => w.view === viewId && whenHolds(w.when, context));
  return entries.flatMap((w) => w.contents.split('\n'))
    .map((l) => l.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function whenHolds(when: string | undefined, context: Record<string, string>): boolean {
  if (!when) return true;
  return when.split('&&').every((clause) => {
    // A bare key (isWorkspaceTrusted) holds when the context says 'true'; !key when it does not.
    const bare = /^\s*(!?)([\w.]+)\s*$/.exec(clause);
    if (bare) return (context[bare[2]] === 'true') !== (bare[1] === '!');
    const m = /^\s*([\w.]+)\s*(==|!=)\s*([\w.-]+)\s*$/.exec(clause);
    if (!m) throw new Error(`expectedWelcome cannot evaluate when-clause "${clause.trim()}"`);
    return (context[m[1]] === m[3]) === (m[2] === '==');
  });
}

/** What to print when a UI test fails: code-server's log and the page console. */
export function transcript(server: CodeServer | undefined, workbench: Workbench | undefined): string {
  return [
    '--- code-server log (tail) ---',
    server ? tail(server.log(), 80) : '(not started)',
    '--- browser console (tail) ---',
    workbench ? tail(workbench.consoleLog(), 80) : '(not opened)',
  ].join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens a workspace file through Quick Open and waits for its editor. */
export async function openFile(page: Page, relative: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(relative);
  // Match the folder too: a recently opened file of the same name elsewhere is listed first.
  const dir = path.dirname(relative);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: path.basename(relative) })
    .filter({ has: page.locator('.label-description', { hasText: new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
    .first();
  await row.waitFor();
  await row.click();
  await page.locator('.monaco-breadcrumbs').filter({ hasText: dir }).first().waitFor();
  await page.locator('.monaco-editor .view-lines').first().click();
}

/** Drags the side bar's edge so tree rows show their descriptions (badges, messages) in screenshots. */
export async function widenSidebar(page: Page, width = 560): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Expands or collapses one Ring0 view's pane. */
export async function setViewExpanded(page: Page, name: string, expanded: boolean): Promise<void> {
  const h = viewPane(page, name).locator('.pane-header');
  if ((await h.getAttribute('aria-expanded')) !== String(expanded)) await h.click();
}

/** Collapses every pane of the side bar but NAME's, which it expands: trees render only rows that fit. */
export async function showOnlyView(page: Page, name: string): Promise<Locator> {
  const titles = await page.locator('.part.sidebar .pane .pane-header h3.title').allInnerTexts();
  for (const t of titles) if (t.trim().toLowerCase() !== name.toLowerCase()) await setViewExpanded(page, t.trim(), false);
  await setViewExpanded(page, name, true);
  return viewPane(page, name);
}
