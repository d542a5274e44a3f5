// UI tests in the real VS Code (code-server + Debian chromium): the packaged .vsix installed, the Ring0
// container, its views' welcome content, a palette command and the Doctor webview's content.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  editorTab, expectedWelcome, launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand,
  saveScreenshot, startCodeServer, testHostSkipReason, transcript, viewPane, webviewFrame,
  type CodeServer, type Workbench,
} from './codeServer';
import { localizedPackageJson } from '../manifestStrings';
import { makeTempDir, removeTempDir } from './proc';

const pkg = localizedPackageJson() as {
  contributes: { views: Record<string, { id: string; name: string }[]> };
};
/** Context keys while no VM runs (the UI tests never start one). */
const VM_STOPPED = { 'ring0.vmState': 'stopped', isWorkspaceTrusted: 'true' };

describe('Ring0 in code-server (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  /** Runs a test step; on failure saves a screenshot and appends the code-server and browser logs. */
  async function step(name: string, body: (w: Workbench) => Promise<void>): Promise<void> {
    assert.ok(wb, 'the workbench did not open');
    try {
      await body(wb);
    } catch (e) {
      const shot = await saveScreenshot(wb.page, `FAILED-${name}`).catch(() => 'none');
      // A new error: reporters print the stack, which an error computes from its message at birth.
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  }

  before(async () => {
    tmp = makeTempDir('ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    const workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: [vsix] });
    browser = await launchChromium();
    try {
      wb = await openWorkbench(browser, server.workbenchUrl());
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${transcript(server, wb)}`);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('opens the Ring0 container from the activity bar with its four views', () => step('container', async ({ page }) => {
    const sidebar = await openRing0Container(page);
    for (const v of pkg.contributes.views.ring0) await viewPane(page, v.name).locator('.pane-header').waitFor();
    assert.equal(await sidebar.locator('.pane-header h3.title').count(), pkg.contributes.views.ring0.length);
    await saveScreenshot(page, 'ring0-container');
  }));

  it('shows each view\'s welcome content from package.json', () => step('welcome', async ({ page }) => {
    await openRing0Container(page);
    for (const v of pkg.contributes.views.ring0) {
      // The Labs view lists the catalog (its welcome content is for a catalog that failed to load).
      if (v.id === 'ring0.labs') {
        const pane = viewPane(page, v.name);
        const header = pane.locator('.pane-header');
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        await pane.locator('.monaco-list-row').filter({ hasText: 'Kernel modules' }).waitFor();
        continue;
      }
      const lines = expectedWelcome(v.id, VM_STOPPED);
      assert.ok(lines.length, `package.json has no viewsWelcome for ${v.id} while the VM is stopped`);
      const pane = viewPane(page, v.name);
      const header = pane.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      const content = pane.locator('.welcome-view-content');
      await content.waitFor();
      // Right after start-up the trust context key may not be set yet (the Restricted Mode text shows briefly).
      await content.filter({ hasText: lines[0] }).waitFor({ timeout: 15_000 }).catch(() => undefined);
      const text = ((await content.innerText()) ?? '').replace(/\s+/g, ' ');
      for (const line of lines) assert.ok(text.includes(line), `${v.name} view: expected "${line}" in "${text}"`);
    }
    await saveScreenshot(page, 'ring0-welcome');
  }));

  it('runs "Ring0: About / Doctor" from the command palette and renders the Doctor page', () => step('doctor', async ({ page }) => {
    await runPaletteCommand(page, 'Ring0: About / Doctor');
    await editorTab(page, 'Ring0: About / Doctor').waitFor();
    const frame = webviewFrame(page);
    await frame.locator('table#doctor tr[data-name]').first().waitFor({ timeout: 30_000 });
    const names = await frame.locator('table#doctor tr[data-name]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name ?? ''));
    for (const expected of ['qemu-system-x86_64', 'gdb', 'clang', 'bpftool']) assert.ok(names.includes(expected), `Doctor rows ${names.join(', ')} lack ${expected}`);
    // This very test runs on code-server's Node 24, so the Doctor must see it.
    assert.match((await frame.locator('tr[data-name="node 24 (code-server)"]').getAttribute('class')) ?? '', /\bok\b/);
    assert.match((await frame.locator('p#summary').innerText()).trim(), /required dependencies (are present|are missing)\.$/);
    await saveScreenshot(page, 'doctor-webview');
  }));
});
