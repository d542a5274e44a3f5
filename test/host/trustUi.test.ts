// UI test in the real VS Code with workspace trust on: the sample workspace opens in Restricted Mode,
// every Ring0 view explains what trust enables and Start VM boots nothing; trusting the folder from
// the view's link lets the same Start VM boot the VM.
import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import {
  expectedWelcome, launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, viewPane, type CodeServer, type Workbench,
} from './codeServer';
import { localizedPackageJson } from '../manifestStrings';
import { makeTempDir, removeTempDir } from './proc';
import { killVm } from '../vm/helpers';

const TRUST_ON = {
  'security.workspace.trust.enabled': true,
  // No modal on open: the folder opens in Restricted Mode, as after "No, I don't trust the authors".
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'ring0.vm.accel': 'auto',
};

describe('Ring0 in an untrusted workspace (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    tmp = makeTempDir('trust-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: [vsix], settings: TRUST_ON, workspaceTrust: true });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('explains Restricted Mode in every view and boots nothing, then boots the VM once trusted', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await openRing0Container(page);
      const untrusted = { isWorkspaceTrusted: 'false', 'ring0.vmState': 'stopped' };
      const views = (localizedPackageJson().contributes.views.ring0 as { id: string; name: string }[]);
      for (const v of views) {
        const pane = viewPane(page, v.name);
        const header = pane.locator('.pane-header');
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        // The lab catalog stays browsable in Restricted Mode (its welcome content is for an empty one).
        if (v.id === 'ring0.labs') {
          await pane.locator('.monaco-list-row').filter({ hasText: 'Kernel modules' }).waitFor();
          continue;
        }
        const content = pane.locator('.welcome-view-content');
        await content.waitFor();
        const text = ((await content.innerText()) ?? '').replace(/\s+/g, ' ');
        const lines = expectedWelcome(v.id, untrusted);
        assert.ok(lines.some((l) => l.startsWith('Restricted Mode')), `${v.id} has the Restricted Mode text`);
        for (const line of lines) assert.ok(text.includes(line), `${v.name} view: expected "${line}" in "${text}"`);
        // Nothing of the trusted content shows (e.g. the VM view's Start VM button).
        assert.doesNotMatch(text, /No VM is running|Start the VM to browse/);
      }
      await saveScreenshot(page, 'untrusted-workspace');

      // Start VM from the palette (commands stay available) refuses and says why; nothing boots.
      await runPaletteCommand(page, 'Ring0: Start VM');
      await page.locator('.notification-toast').filter({ hasText: 'needs a trusted workspace' }).waitFor();
      await new Promise((r) => setTimeout(r, 2000));
      assert.ok(!existsSync(vmPaths(workspace).stateFile) || readState(vmPaths(workspace))?.state !== 'running', 'no VM runs in Restricted Mode');

      // Trust the folder from the VM view's link: the trust editor's Trust button.
      const vm = viewPane(page, 'VM');
      await vm.locator('.welcome-view-content a, .welcome-view-content .monaco-button').filter({ hasText: 'Manage Workspace Trust' }).first().click();
      await page.locator('.workspace-trust-editor .workspace-trust-buttons .monaco-button').filter({ hasText: /^Trust/ }).first().click();
      await page.locator('.workspace-trust-editor').getByText('You trust this folder').first().waitFor();
      // Newer workbenches show the trust editor as a modal, over the command palette: Escape closes it.
      await page.keyboard.press('Escape');
      await page.locator('.workspace-trust-editor').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      await runPaletteCommand(page, 'View: Close All Editors');
      await openRing0Container(page);
      const start = vm.locator('.welcome-view-content a, .welcome-view-content .monaco-button').filter({ hasText: 'Start VM' }).first();
      await start.waitFor({ timeout: 20_000 });
      await start.click();
      const state = vm.locator('.monaco-list-row').filter({ hasText: 'State' });
      await state.filter({ hasText: 'running' }).waitFor({ timeout: 180_000 });
      assert.equal(readState(vmPaths(workspace))?.state, 'running');
      await saveScreenshot(page, 'trusted-vm-running');
      await runPaletteCommand(page, 'Ring0: Stop VM');
      await vm.locator('.welcome-view-content').waitFor({ timeout: 60_000 });
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-trust-ui').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });
});
