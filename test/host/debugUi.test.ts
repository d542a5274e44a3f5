// UI test in the real VS Code: in the sample workspace (no launch.json), set a breakpoint in the sample
// module and press F5; Ring0 boots the VM with the gdb stub, builds and inserts the module, and the
// editor stops on the breakpoint line in hello_init.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import {
  launchChromium, openFile, openWorkbench, packageVsix, repoRoot, saveScreenshot, startCodeServer,
  testHostSkipReason, transcript, type CodeServer, type Workbench,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { killVm } from '../vm/helpers';

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
    server = await startCodeServer({ workspace, vsix: [vsix] });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
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
