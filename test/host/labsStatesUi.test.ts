// UI test in the real VS Code, no VM: a catalog (RING0_LAB_CATALOG) with a lab that needs KVM inside the
// guest and QEMU's edu device shows its requirement badges, what this machine lacks and what to do, in
// the Labs view and the dashboard; an empty catalog shows the Labs view's welcome content and the
// dashboard's empty state. Screenshots in test-results/screenshots/labs-requirements*.png, labs-empty*.png.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { defaultCatalogDir } from '../../labs/model/catalog';
import { evaluateRequirements, hostFacts } from '../../labs/model/requirements';
import {
  editorTab, expectedWelcome, launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, viewPane, webviewFrame, type CodeServer, type Workbench,
  widenSidebar,
  showOnlyView,
} from './codeServer';
import { makeTempDir, removeTempDir } from './proc';

const REQ_LAB = {
  id: 'nested-vmm', title: 'A tiny VMM inside the VM', track: 'Containers and virtualization', seed: '001_test.txt',
  summary: 'Open /dev/kvm in the guest, create a VM with one vCPU and run it to KVM_EXIT_HLT.',
  objectives: [{ id: 'halts', text: 'The guest vCPU exits with KVM_EXIT_HLT' }],
  steps: 'steps.md', starter: 'starter', hints: [], requirements: { kvm: true, fullKernel: true, qemuDevices: ['edu'] }, checker: { guest: 'check.sh' },
};

function writeLab(catalog: string): void {
  const dir = path.join(catalog, REQ_LAB.id);
  mkdirSync(path.join(dir, 'starter'), { recursive: true });
  writeFileSync(path.join(dir, 'lab.json'), JSON.stringify(REQ_LAB, null, 2));
  writeFileSync(path.join(dir, 'steps.md'), '# A tiny VMM\n');
  writeFileSync(path.join(dir, 'starter', 'vmm.c'), 'int main(void) { return 0; }\n');
  writeFileSync(path.join(dir, 'check.sh'), 'echo FAIL halts not yet\n');
}

async function openLabsOnly(page: Page): Promise<void> {
  await openRing0Container(page);
  await widenSidebar(page);
  await showOnlyView(page, 'Labs');
}

async function dashboard(page: Page): Promise<FrameLocator> {
  await runPaletteCommand(page, 'Ring0: Show Lab Dashboard');
  await editorTab(page, 'Ring0: Lab Dashboard').waitFor();
  return webviewFrame(page);
}

describe('Ring0 Labs view and dashboard states in the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
  let tmp = '';
  let vsix = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    tmp = makeTempDir('labs-states-ui');
    vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  /** A fresh code-server on a copy of the sample workspace whose labs come from `catalog`. */
  async function open(name: string, catalog: string): Promise<Page> {
    await server?.stop();
    const workspace = path.join(tmp, `${name}-ws`);
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    server = await startCodeServer({ workspace, vsix: [vsix], env: { RING0_LAB_CATALOG: catalog } });
    assert.ok(browser);
    wb = await openWorkbench(browser, server.workbenchUrl());
    return wb.page;
  }

  async function step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      const shot = wb ? await saveScreenshot(wb.page, `FAILED-${name}`).catch(() => 'none') : 'none';
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  }

  it('shows requirement badges and what this machine lacks', () => step('labs-requirements', async () => {
    const catalog = path.join(tmp, 'catalog');
    cpSync(defaultCatalogDir(), catalog, { recursive: true });
    writeLab(catalog);
    // What this machine really has decides the expected text.
    const expected = evaluateRequirements(REQ_LAB.requirements, hostFacts(true));
    const page = await open('req', catalog);
    await openLabsOnly(page);
    const labs = viewPane(page, 'Labs');
    // The catalog is longer than the view and the tree renders only rows that fit: fold the other tracks.
    const otherTrack = () => labs.locator('.monaco-list-row[aria-level="1"][aria-expanded="true"]').filter({ hasNotText: REQ_LAB.track }).first();
    await labs.locator('.monaco-list-row[aria-level="1"]').first().waitFor();
    for (let i = 0; i < 20 && (await otherTrack().count()) > 0; i++) await otherTrack().locator('.monaco-tl-twistie').click();
    const lab = labs.locator('.monaco-list-row').filter({ hasText: REQ_LAB.title }).first();
    await lab.waitFor();
    const text = await lab.innerText();
    for (const r of expected) assert.ok(text.includes(`${r.met ? '' : '⚠ '}${r.label}`), `badge "${r.label}" in "${text}"`);
    await lab.locator('.monaco-tl-twistie').click();
    for (const r of expected) {
      // The requirement's own row (the lab's row carries the badge too, after its title).
      const row = labs.locator('.monaco-list-row').filter({ hasText: new RegExp(`^\\s*${r.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first();
      await row.locator(r.met ? '.codicon-check' : '.codicon-warning').waitFor();
      if (!r.met) assert.match(await row.innerText(), /not on this machine/);
    }
    await saveScreenshot(page, 'labs-requirements-view');

    const frame = await dashboard(page);
    const card = frame.locator(`section.lab[data-lab="${REQ_LAB.id}"]`);
    await card.waitFor({ timeout: 30_000 });
    for (const r of expected) {
      const badge = card.locator(`.badge.${r.met ? 'met' : 'unmet'}`).filter({ hasText: r.label });
      await badge.waitFor();
      assert.equal(await badge.getAttribute('title'), r.detail);
      if (!r.met) await card.locator('.requirement-detail').filter({ hasText: r.detail }).waitFor();
    }
    await frame.locator('.track-bar[data-track="Containers and virtualization"]').first().waitFor();
    await saveScreenshot(page, 'labs-requirements-dashboard');
  }));

  it('shows the welcome content and the dashboard\'s empty state for an empty catalog', () => step('labs-empty', async () => {
    const empty = path.join(tmp, 'empty-catalog');
    mkdirSync(empty, { recursive: true });
    const page = await open('empty', empty);
    await openLabsOnly(page);
    const content = viewPane(page, 'Labs').locator('.welcome-view-content');
    await content.waitFor();
    const text = (await content.innerText()).replace(/\s+/g, ' ');
    for (const line of expectedWelcome('ring0.labs', { 'ring0.vmState': 'stopped', isWorkspaceTrusted: 'true' })) assert.ok(text.includes(line), `"${line}" in "${text}"`);
    await saveScreenshot(page, 'labs-empty-view');
    const frame = await dashboard(page);
    await frame.locator('#empty').filter({ hasText: 'The lab catalog is empty.' }).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'labs-empty-dashboard');
  }));
});
