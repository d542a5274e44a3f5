// UI test in the real VS Code with a running VM: the verifier explainer on a rejected BPF program
// (opened from the palette on the source) and the Kernel view with tasks and modules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium, openFile, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  showOnlyView, startCodeServer, testHostSkipReason, transcript, webviewFrame, widenSidebar, type CodeServer, type Workbench,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { killVm } from '../vm/helpers';

const cliPath = path.join(repoRoot, 'dist', 'cli.js');

function cli(args: string[], timeout = 180_000): string {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout });
  assert.equal(r.status, 0, `ring0 ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('Ring0 kernel state and the verifier explainer in the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  async function step(name: string, body: (page: Page) => Promise<void>): Promise<void> {
    assert.ok(wb, 'the workbench did not open');
    try {
      await body(wb.page);
    } catch (e) {
      const shot = await saveScreenshot(wb.page, `FAILED-${name}`).catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  }

  before(async () => {
    tmp = makeTempDir('kernel-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    mkdirSync(path.join(workspace, 'bpf'), { recursive: true });
    const src = path.join(workspace, 'bpf', 'unchecked_lookup.bpf.c');
    copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'bpf', 'verify', 'unchecked_lookup.bpf.c'), src);
    const cc = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-idirafter', '/usr/include/x86_64-linux-gnu', '-c', src, '-o', src.replace(/\.c$/, '.o')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    cli(['vm', 'start', '-w', workspace]);
    server = await startCodeServer({ workspace, vsix: [vsix] });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    spawnSync(process.execPath, [cliPath, 'vm', 'stop', '-w', workspace], { timeout: 60_000 });
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('explains the rejected program: explanation, failing line, highlighted path', () => step('verifier', async (page) => {
    await openFile(page, 'bpf/unchecked_lookup.bpf.c');
    await runPaletteCommand(page, 'Ring0: Explain BPF Verifier Result');
    const view = webviewFrame(page);
    await view.locator('.explanation h3', { hasText: 'Missing NULL check' }).waitFor({ timeout: 120_000 });
    await view.locator('.insn.fail').first().waitFor();
    assert.match(await view.locator('.failure').innerText(), /map_value_or_null.*unchecked_lookup\.bpf\.c:19/s);
    assert.ok((await view.locator('.insn.path').count()) >= 5);
    await saveScreenshot(page, 'verifier-explainer');
  }));

  it('shows tasks and modules in the Kernel view, each with its source', () => step('kernel', async (page) => {
    await openRing0Container(page);
    await widenSidebar(page, 640);
    const kernel = await showOnlyView(page, 'Kernel');
    const modules = kernel.locator('.monaco-list-row').filter({ hasText: 'Modules' });
    await modules.waitFor({ timeout: 60_000 });
    await modules.click();
    await kernel.locator('.monaco-list-row').filter({ hasText: 'virtiofs' }).filter({ hasText: 'agent:procfs' }).waitFor();
    await modules.click();
    const tasks = kernel.locator('.monaco-list-row').filter({ hasText: 'Tasks' });
    await tasks.click();
    await kernel.locator('.monaco-list-row').filter({ hasText: 'kthreadd' }).filter({ hasText: 'agent:procfs' }).waitFor();
    await saveScreenshot(page, 'kernel-view');
  }));
});
