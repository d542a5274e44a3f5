// UI test in the real VS Code: a broken module's compiler error in the Problems panel (Ring0: Build),
// a clangd hover on a kernel API in the sample module, and the ELF view of the built module.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium, openFile, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, type CodeServer, type Workbench,
  showOnlyView,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';

const clangdMissing = spawnSync('clangd', ['--version']).error ? 'clangd is not installed (ring0 setup installs it)' : undefined;

describe('Ring0 builds in the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
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
    tmp = makeTempDir('build-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    // A copy of the sample module with a missing semicolon on line 12.
    cpSync(path.join(workspace, 'hello-module'), path.join(workspace, 'broken-module'), { recursive: true });
    const src = path.join(workspace, 'broken-module', 'hello.c');
    writeFileSync(src, readFileSync(src, 'utf8').replace('pr_info("hello: hello, %s\\n", whom);', 'pr_info("hello: hello, %s\\n", whom)'));
    // The built sample module brings compile_commands.json, which clangd needs for the kernel headers.
    const built = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'build', 'module', path.join(workspace, 'hello-module')], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    server = await startCodeServer({ workspace, vsix: [vsix] });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('shows a compiler error on its line in the Problems panel', () => step('problems', async (page) => {
    await openFile(page, 'broken-module/hello.c');
    await runPaletteCommand(page, 'Ring0: Build Module or BPF Program');
    await runPaletteCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel');
    const row = problems.locator('.monaco-list-row').filter({ hasText: /expected .;./ });
    await row.first().waitFor({ timeout: 60_000 });
    assert.match(await row.first().innerText(), /\[Ln 1[23], Col \d+\]/);
    await saveScreenshot(page, 'build-problems');
  }));

  it('hovers a kernel API with clangd in the sample module', { skip: clangdMissing }, () => step('hover', async (page) => {
    await openFile(page, 'hello-module/hello.c');
    const token = page.locator('.monaco-editor .view-lines span').filter({ hasText: /^pr_info$/ }).first();
    await token.waitFor();
    const hover = page.locator('.monaco-hover-content').filter({ hasText: /printk|pr_info/ });
    // clangd parses the kernel headers first; hover again until it answers.
    const deadline = Date.now() + 90_000;
    for (;;) {
      await page.mouse.move(0, 0);
      await token.hover();
      try {
        await hover.first().waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
    assert.match(await hover.first().innerText(), /printk/);
    await saveScreenshot(page, 'clangd-hover');
  }));

  it('shows the built module in the ELF view', () => step('elf', async (page) => {
    await openRing0Container(page);
    // Give the ELF view the room: the tree only renders rows that fit.
    const elf = await showOnlyView(page, 'ELF');
    const artifact = elf.locator('.monaco-list-row').filter({ hasText: 'hello-module/hello.ko' });
    await artifact.waitFor();
    if ((await artifact.getAttribute('aria-expanded')) === 'false') await artifact.click();
    await elf.locator('.monaco-list-row').filter({ hasText: 'hello_init' }).waitFor();
    await elf.locator('.monaco-list-row').filter({ hasText: 'GPL' }).first().waitFor();
    await saveScreenshot(page, 'elf-view');
  }));
});
