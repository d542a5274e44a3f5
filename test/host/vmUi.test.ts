// UI test in the real VS Code: start the VM from the Ring0 view's welcome button, see it running in the
// VM view and the status bar, then stop it from the palette and see the welcome content again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import {
  launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, viewPane, type CodeServer, type Workbench,
  showOnlyView,
  setViewExpanded,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';
import { killVm } from '../vm/helpers';

describe('Ring0 VM from the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    tmp = makeTempDir('vm-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: [vsix], settings: { 'ring0.vm.accel': 'auto' } });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    // Whatever happened in the test, the VM it started goes: QEMU and the daemon by pid.
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('starts the VM from the VM view and shows it running, then stops it', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await openRing0Container(page);
      const vm = viewPane(page, 'VM');
      await vm.locator('.welcome-view-content').waitFor();
      await vm.locator('.welcome-view-content a, .welcome-view-content .monaco-button').filter({ hasText: 'Start VM' }).first().click();
      // Under TCG the boot takes a few seconds; the first one also builds the agent and initramfs.
      const state = vm.locator('.monaco-list-row').filter({ hasText: 'State' });
      await state.filter({ hasText: 'running' }).waitFor({ timeout: 120_000 });
      await vm.locator('.monaco-list-row').filter({ hasText: 'Accelerator' }).waitFor();
      await vm.locator('.monaco-list-row').filter({ hasText: 'Kernel' }).waitFor();
      await page.locator('.statusbar-item').filter({ hasText: /Ring0: (TCG|KVM) running/ }).waitFor();
      assert.equal(readState(vmPaths(workspace))?.state, 'running');
      await saveScreenshot(page, 'vm-running');

      // Load the sample BPF program from a terminal-like CLI call: the BPF view lists its object.
      const cli = path.join(repoRoot, 'dist', 'cli.js');
      const src = path.join(workspace, 'bpf', 'count_openat.bpf.c');
      const built = spawnSync(process.execPath, [cli, 'build', 'bpf', src], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
      const loaded = spawnSync(process.execPath, [cli, 'load', src.replace(/\.c$/, '.o'), '--workspace', workspace], { encoding: 'utf8' });
      assert.equal(loaded.status, 0, loaded.stderr);
      const bpfPane = viewPane(page, 'BPF');
      await bpfPane.locator('.monaco-list-row').filter({ hasText: 'count_openat' }).first().waitFor({ timeout: 30_000 });
      // Room for the whole object: the tree renders only rows that fit.
      await showOnlyView(page, 'BPF');
      const toggle = (name: string, expanded: boolean) => setViewExpanded(page, name, expanded);
      await bpfPane.locator('.monaco-list-row').filter({ hasText: 'openat_counts' }).waitFor();
      await saveScreenshot(page, 'bpf-view');
      await toggle('VM', true);

      await runPaletteCommand(page, 'Ring0: Stop VM');
      await vm.locator('.welcome-view-content').waitFor({ timeout: 30_000 });
      await page.locator('.statusbar-item').filter({ hasText: 'Ring0: VM stopped' }).waitFor();
      assert.equal(readState(vmPaths(workspace))?.state, 'stopped');
      await saveScreenshot(page, 'vm-stopped');
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-vm-ui').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });
});
