// UI test in the real VS Code with a real VM: start the "Hello, kernel" lab from the Labs view, check the
// starter (objectives fail, with messages), copy in the reference solution and check again from the
// palette (every objective passes), see it in the Labs view and the lab dashboard, start another lab
// from the dashboard; the first-lab walkthrough's steps are ticked by those commands; reload the window and find
// the progress and the dashboard still there. Screenshots in test-results/screenshots/labs-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { readProgress } from '../../labs/model/progress';
import { loadCatalog } from '../../labs/model/catalog';
import { vmPaths } from '../../kernel/vm/paths';
import {
  editorTab, launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, type CodeServer, type Workbench,
  widenSidebar,
  showOnlyView,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { killVm } from '../vm/helpers';

const hello = loadCatalog().labs.find((l) => l.id === 'module-hello');
const params = loadCatalog().labs.find((l) => l.id === 'module-params');

/** Only the Labs view open in the side bar: the tree renders only the rows that fit. */
async function showOnlyLabs(page: Page): Promise<Locator> {
  await openRing0Container(page);
  await widenSidebar(page);
  return showOnlyView(page, 'Labs');
}

function row(pane: Locator, text: string | RegExp): Locator {
  return pane.locator('.monaco-list-row').filter({ hasText: text }).first();
}

/** A file editor's tab (its label splits name and extension, so match the resource name). */
function fileTab(page: Page, name: string): Locator {
  return page.locator(`.tabs-container .tab[data-resource-name="${name}"]`);
}

/** The dashboard's page among the open webviews (the Markdown preview is one too). */
async function dashboardFrame(page: Page, timeoutMs = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = page.locator('iframe.webview.ready');
    for (let i = 0; i < (await frames.count()); i++) {
      const f = frames.nth(i).contentFrame().frameLocator('#active-frame');
      if ((await f.locator('section.lab').count().catch(() => 0)) > 0) return f;
    }
    if (Date.now() > deadline) throw new Error('no webview shows the lab dashboard');
    await page.waitForTimeout(500);
  }
}

/** Runs a palette command that asks to pick an item, and picks the row showing `pick`. */
async function paletteThenPick(page: Page, title: string, pick: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: title }).first().click();
  await rows.filter({ hasText: pick }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Notifications cover the views in screenshots; the assertions on them are done by then. */
async function clearNotifications(page: Page): Promise<void> {
  await runPaletteCommand(page, 'Notifications: Clear All Notifications');
}

/** Clicks a tree row's inline action (they show on hover). */
async function inlineAction(r: Locator, label: string): Promise<void> {
  await r.hover();
  await r.locator(`.action-label[aria-label^="${label}"]`).click();
}

describe('Ring0 labs in the real VS Code with a real VM (UI)', { skip: testHostSkipReason() ?? (hello && params ? undefined : 'the module-hello and module-params labs are missing') }, () => {
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
      const shot = await saveScreenshot(wb.page, `FAILED-labs-${name}`).catch(() => 'none');
      const serial = workspace && existsSync(vmPaths(workspace).serialLog) ? readFileSync(vmPaths(workspace).serialLog, 'utf8').slice(-3000) : '(no serial log)';
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}\n--- serial (tail) ---\n${serial}`, { cause: e });
    }
  }

  before(async () => {
    tmp = makeTempDir('labs-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: [vsix], settings: { 'ring0.vm.accel': 'auto' } });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('opens the first-lab walkthrough with its steps not done yet', () => step('walkthrough-open', async (page) => {
    // Opening it also starts VS Code's walkthrough service, which from then on counts the commands
    // that complete steps (at startup only the Welcome page would start it; the test settings hide it).
    await paletteThenPick(page, 'Welcome: Open Walkthrough...', 'Ring0: your first kernel module');
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await steps.first().waitFor({ timeout: 15_000 });
    assert.equal(await steps.count(), 5);
    assert.equal(await page.locator('.gettingStartedContainer .getting-started-step[aria-checked="true"]').count(), 0);
    await saveScreenshot(page, 'labs-walkthrough-open');
    await runPaletteCommand(page, 'View: Close Editor');
  }));

  it('starts a lab from the Labs view: the starter is copied and its steps open beside the source', () => step('start', async (page) => {
    const labs = await showOnlyLabs(page);
    await row(labs, 'Kernel modules').waitFor();
    const lab = row(labs, hello!.title);
    await lab.waitFor();
    assert.match(await lab.innerText(), /not started/);
    await inlineAction(lab, 'Start Lab');
    await editorTab(page, 'Preview STEPS.md').waitFor({ timeout: 30_000 });
    await fileTab(page, 'hello_lab.c').waitFor();
    for (const f of ['hello_lab.c', 'Makefile', 'STEPS.md']) assert.ok(existsSync(path.join(workspace, 'labs', 'module-hello', f)), f);
    await row(labs, hello!.title).filter({ hasText: 'started' }).waitFor();
    assert.ok(readProgress(workspace)['module-hello']?.started);
    await saveScreenshot(page, 'labs-started');
  }));

  it('checks the starter in the VM: objectives fail in the Labs view with what to do', () => step('check-starter', async (page) => {
    await runPaletteCommand(page, 'Ring0: Start VM');
    await page.locator('.statusbar-item').filter({ hasText: /Ring0: (TCG|KVM) running/ }).waitFor({ timeout: 180_000 });
    const labs = await showOnlyLabs(page);
    await inlineAction(row(labs, hello!.title), 'Check Lab');
    await page.locator('.notifications-toasts, .notification-toast').filter({ hasText: `checking ${hello!.title}` }).first().waitFor({ timeout: 10_000 });
    // The check reveals the lab expanded: the starter prints nothing, so "greets" fails with a hint.
    const greets = row(labs, hello!.objectives.find((o) => o.id === 'greets')!.text);
    await greets.locator('.codicon-error').waitFor({ timeout: 180_000 });
    assert.match(await greets.innerText(), /pr_info/);
    await row(labs, hello!.objectives.find((o) => o.id === 'builds')!.text).locator('.codicon-pass').waitFor();
    const p = readProgress(workspace)['module-hello'];
    assert.equal(p?.lastCheck?.passed, false);
    await page.locator('.notification-toast').filter({ hasText: 'objectives to go' }).first().waitFor({ timeout: 10_000 });
    await clearNotifications(page);
    await saveScreenshot(page, 'labs-check-starter');
  }));

  it('checks the reference solution from the palette: every objective passes', () => step('check-solution', async (page) => {
    cpSync(path.join(repoRoot, 'test', 'labs', 'module-hello', 'solution'), path.join(workspace, 'labs', 'module-hello'), { recursive: true });
    await paletteThenPick(page, 'Ring0: Check Lab', hello!.title);
    const labs = await showOnlyLabs(page);
    const lab = row(labs, hello!.title);
    await lab.filter({ hasText: /done/ }).waitFor({ timeout: 180_000 });
    for (const o of hello!.objectives) await row(labs, o.text).locator('.codicon-pass').waitFor();
    assert.equal(await labs.locator('.monaco-list-row .codicon-error').count(), 0);
    assert.equal(readProgress(workspace)['module-hello']?.lastCheck?.passed, true);
    await page.locator('.notification-toast').filter({ hasText: 'every objective passes' }).first().waitFor({ timeout: 10_000 });
    await clearNotifications(page);
    await saveScreenshot(page, 'labs-check-passed');
  }));

  it('shows the lab dashboard with progress per track and the last results, and starts a lab from it', () => step('dashboard', async (page) => {
    await runPaletteCommand(page, 'Ring0: Show Lab Dashboard');
    await editorTab(page, 'Ring0: Lab Dashboard').waitFor();
    const frame = await dashboardFrame(page);
    const card = frame.locator('section.lab[data-lab="module-hello"]');
    await card.waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-status'), 'passed');
    assert.equal(await card.locator('li.pass').count(), hello!.objectives.length);
    assert.match(await card.locator('.status').innerText(), /Done · 5\/5 objectives · last checked (just now|\d+ min ago)/);
    const modules = frame.locator('.track-bar[data-track="Kernel modules"] progress');
    assert.equal(await modules.getAttribute('value'), '1');
    assert.match(await frame.locator('#summary').innerText(), /^1 of \d+ labs done/);
    await saveScreenshot(page, 'labs-dashboard');

    // The dashboard's Start button runs Start Lab; the dashboard follows the progress change.
    await frame.locator(`section.lab[data-lab="${params!.id}"] button[data-action="start"]`).click();
    await fileTab(page, 'params_lab.c').waitFor({ timeout: 30_000 });
    assert.ok(existsSync(path.join(workspace, 'labs', params!.id, 'STEPS.md')));
    await editorTab(page, 'Ring0: Lab Dashboard').click();
    await (await dashboardFrame(page)).locator(`section.lab[data-lab="${params!.id}"][data-status="started"]`).waitFor({ timeout: 15_000 });
    await clearNotifications(page);
    await saveScreenshot(page, 'labs-dashboard-updated');
  }));

  it('resets a lab from the dashboard after asking (the old copy moved aside) and follows a lab started from a terminal', () => step('reset', async (page) => {
    const dir = path.join(workspace, 'labs', params!.id);
    writeFileSync(path.join(dir, 'params_lab.c'), '// my attempt\n');
    await editorTab(page, 'Ring0: Lab Dashboard').click();
    const frame = await dashboardFrame(page);
    await frame.locator(`section.lab[data-lab="${params!.id}"] button[data-action="reset"]`).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: 'moved aside' }).waitFor();
    await saveScreenshot(page, 'labs-reset-dialog');
    await dialog.locator('.monaco-button', { hasText: 'Reset Lab' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const bak = async () => readdirSync(path.join(workspace, 'labs')).find((n) => n.startsWith(`${params!.id}.bak-`));
    // Reset moves the old copy aside, then copies the starter: wait for both.
    for (let i = 0; i < 40 && !((await bak()) && existsSync(path.join(dir, 'params_lab.c'))); i++) await page.waitForTimeout(250);
    const moved = await bak();
    assert.ok(moved, `no backup in ${readdirSync(path.join(workspace, 'labs')).join(' ')}`);
    assert.equal(readFileSync(path.join(workspace, 'labs', moved, 'params_lab.c'), 'utf8'), '// my attempt\n');
    assert.notEqual(readFileSync(path.join(dir, 'params_lab.c'), 'utf8'), '// my attempt\n');

    // A lab started from a terminal shows up in the dashboard by itself (progress.json changed).
    const other = loadCatalog().labs.find((l) => l.id !== hello!.id && l.id !== params!.id);
    if (other) {
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lab', 'start', other.id, '--workspace', workspace], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      await editorTab(page, 'Ring0: Lab Dashboard').click();
      await (await dashboardFrame(page)).locator(`section.lab[data-lab="${other.id}"][data-status="started"]`).waitFor({ timeout: 15_000 });
    }
    await clearNotifications(page);
    await saveScreenshot(page, 'labs-dashboard-after-reset');
  }));

  it('ticks the first-lab walkthrough\'s steps done by the commands above', () => step('walkthrough', async (page) => {
    await paletteThenPick(page, 'Welcome: Open Walkthrough...', 'Ring0: your first kernel module');
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.locator('.getting-started-step').first().waitFor({ timeout: 15_000 });
    for (const title of ['Start the VM', 'Start the "Hello, kernel" lab', 'Check your work', 'See your progress']) {
      const stepEl = walkthrough.locator('.getting-started-step').filter({ hasText: title }).first();
      await walkthrough.locator('.getting-started-step[aria-checked="true"]').filter({ hasText: title }).first().waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
        throw new Error(`walkthrough step "${title}" is not ticked: ${(await stepEl.evaluate((x) => x.outerHTML)).slice(0, 1500)}; ${e.message}`);
      });
    }
    await saveScreenshot(page, 'labs-walkthrough');
    await runPaletteCommand(page, 'View: Close Editor');
  }));

  it('keeps the progress and the dashboard across a window reload', () => step('reload', async (page) => {
    await page.reload();
    await page.locator('.monaco-workbench .activitybar').waitFor();
    const labs = await showOnlyLabs(page);
    const lab = row(labs, hello!.title);
    await lab.filter({ hasText: /done/ }).waitFor({ timeout: 30_000 });
    // The twistie: a click on the label runs the lab's Open command instead.
    if ((await lab.getAttribute('aria-expanded')) === 'false') await lab.locator('.monaco-tl-twistie').click();
    for (const o of hello!.objectives) await row(labs, o.text).locator('.codicon-pass').waitFor();
    await row(labs, params!.title).filter({ hasText: 'started' }).waitFor();
    // The dashboard comes back with the window, with the same results.
    await editorTab(page, 'Ring0: Lab Dashboard').click();
    const frame = await dashboardFrame(page);
    await frame.locator('section.lab[data-lab="module-hello"][data-status="passed"] li.pass').nth(hello!.objectives.length - 1).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'labs-after-reload');

  }));
});
