// UI tests of F5 in the real VS Code, in the sample workspace (no launch.json): a build error lands in
// Problems and boots nothing; with no breakpoint the session runs (no stop in the idle loop) on the
// User-settings VM size; with a breakpoint in hello_init the editor stops on its line.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { readState } from '../../kernel/vm/state';
import { vmStatus } from '../../kernel/vm/manager';
import { vmPaths } from '../../kernel/vm/paths';
import {
  launchChromium, openFile, openWorkbench, packageVsix, repoRoot, saveScreenshot, startCodeServer,
  testHostSkipReason, transcript, type CodeServer, type Workbench,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { cli, killVm } from '../vm/helpers';

const USER_MEMORY_MIB = 640;

describe('Ring0 kernel debugging in the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    tmp = makeTempDir('debug-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    // A User-settings VM size (not the workspace's): F5 must boot with it, as Start VM does.
    server = await startCodeServer({ workspace, vsix: [vsix], settings: { 'ring0.vm.memoryMiB': USER_MEMORY_MIB } });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('F5 on a module that does not build: the error is in Problems, nothing boots', async () => {
    assert.ok(wb);
    const { page } = wb;
    const source = path.join(workspace, 'hello-module', 'hello.c');
    const good = readFileSync(source, 'utf8');
    try {
      writeFileSync(source, good.replace('return 0;', 'return undeclared_on_purpose;'));
      await openFile(page, 'hello-module/hello.c');
      await page.keyboard.press('F5');
      await page.locator('.notifications-toasts').getByText('did not build, so nothing was booted').first().waitFor({ timeout: 180_000 });
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').getByText('undeclared_on_purpose').first().waitFor({ timeout: 30_000 });
      await saveScreenshot(page, 'debug-f5-build-error');
      assert.notEqual(vmStatus(workspace).state, 'running', 'no VM was booted for a launch whose build failed');
      assert.equal(await page.locator('.debug-toolbar').isVisible(), false, 'no debug session started');
    } catch (e) {
      await saveScreenshot(page, 'debug-failure').catch(() => undefined);
      throw new Error(`${(e as Error).message}\n${transcript(server, wb)}`);
    } finally {
      writeFileSync(source, good);
    }
  });

  it('F5 with no breakpoint runs: the toolbar offers Pause, no kernel header opens, the VM has the User-settings memory', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await page.keyboard.press('Escape');
      await openFile(page, 'hello-module/hello.c');
      await page.keyboard.press('F5');
      await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
      // The launch boots, connects gdb and inserts the module; the running toolbar offers Pause.
      const pause = page.locator('.debug-toolbar .codicon-debug-pause');
      await pause.waitFor({ timeout: 240_000 });
      const deadline = Date.now() + 240_000;
      while (Date.now() < deadline && !(await stateHasModule(workspace))) await new Promise((r) => setTimeout(r, 2000));
      assert.ok(await stateHasModule(workspace), 'the launch inserted the hello module');
      await new Promise((r) => setTimeout(r, 5000));
      assert.ok(await pause.isVisible(), 'the toolbar is in the running state (Pause offered)');
      assert.equal(await page.locator('.monaco-editor .debug-top-stack-frame-line').count(), 0, 'no stopped frame is shown');
      assert.match((await page.locator('.tabs-container .tab.active').textContent()) ?? '', /hello\.c/, 'no editor opened on a kernel header');
      const qemuPid = readState(vmPaths(workspace))?.pid;
      assert.ok(qemuPid, 'the VM runs');
      const cmdline = readFileSync(`/proc/${qemuPid}/cmdline`, 'utf8').split('\0');
      assert.equal(cmdline[cmdline.indexOf('-m') + 1], String(USER_MEMORY_MIB), 'F5 booted the VM with the User-settings memory size');
      await saveScreenshot(page, 'debug-f5-running');
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
    } catch (e) {
      await saveScreenshot(page, 'debug-failure').catch(() => undefined);
      throw new Error(`${(e as Error).message}\n${transcript(server, wb)}`);
    }
  });

  it('presses F5 and stops at a breakpoint in the sample module', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await openFile(page, 'hello-module/hello.c');
      await page.keyboard.press('Control+G');
      await page.keyboard.type('12');
      await page.keyboard.press('Enter');
      await page.keyboard.press('F9');
      await page.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor();

      await page.keyboard.press('F5');
      // Boot under TCG, gdb loading the kernel's DWARF, the module build and insmod: up to a few minutes.
      const stack = page.locator('.debug-call-stack .monaco-list-row').filter({ hasText: 'hello_init' });
      await stack.first().waitFor({ timeout: 240_000 });
      const current = page.locator('.monaco-editor .debug-top-stack-frame-line');
      await current.first().waitFor({ timeout: 30_000 });
      const activeTab = page.locator('.tabs-container .tab.active');
      assert.match((await activeTab.textContent()) ?? '', /hello\.c/);
      assert.match((await stack.first().textContent()) ?? '', /hello\.c\s*12/, 'the top frame is hello.c line 12');
      await page.locator('.debug-toolbar').waitFor();
      assert.ok(readState(vmPaths(workspace))?.gdbSocket, 'the VM runs with the gdb stub');
      await saveScreenshot(page, 'debug-stopped-in-module');

      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 60_000 });
    } catch (e) {
      await saveScreenshot(page, 'debug-failure').catch(() => undefined);
      throw new Error(`${(e as Error).message}\n${transcript(server, wb)}`);
    }
  });
});

/** The guest lists the hello module (asked through the agent, as `ring0 vm exec` does). */
async function stateHasModule(workspace: string): Promise<boolean> {
  const r = await cli(['vm', 'exec', '--workspace', workspace, '--', 'cat', '/proc/modules']).catch(() => undefined);
  return !!r && /^hello /m.test(r.stdout.toString());
}
