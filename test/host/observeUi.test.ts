// UI test in the real VS Code: with the sample count_openat program loaded in a real VM, the BPF view
// shows its program (with run counts: stats are on while the view is visible) and its hash map; the
// map's table webview shows values that grow while a guest shell opens files, takes an edit and a
// delete from its buttons, says clearly when the map is unloaded; a tracepoint subscribed from the
// Tracepoints view and the exec_events sample's ring buffer stream into the stream webview; a .bt file
// is highlighted and runs with bpftrace in the VM, its maps charted. Screenshots in test-results/screenshots/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  launchChromium, openRing0Container, openWorkbench, packageVsix, repoRoot, runPaletteCommand, saveScreenshot,
  startCodeServer, testHostSkipReason, transcript, type CodeServer, type Workbench,
  widenSidebar,
  showOnlyView,
} from './codeServer';
import { makeTempDir, removeTempDir, startProc, type Proc } from './proc';
import { killVm } from '../vm/helpers';
import type { Browser } from 'playwright-core';

const cliPath = path.join(repoRoot, 'dist', 'cli.js');

function cli(args: string[], timeout = 180_000): string {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout });
  assert.equal(r.status, 0, `ring0 ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The visible webview's content (hidden panels keep their iframes when they retain context). */
function visibleWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

describe('Ring0 observe views from the real VS Code (UI)', { skip: testHostSkipReason() }, () => {
  let tmp: string | undefined;
  let workspace = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;
  let opener: Proc | undefined;

  before(async () => {
    tmp = makeTempDir('observe-ui');
    const vsix = process.env.RING0_VSIX || packageVsix(path.join(tmp, 'ring0.vsix'));
    workspace = path.join(tmp, 'workspace');
    cpSync(path.join(repoRoot, 'samples', 'workspace'), workspace, { recursive: true });
    cli(['vm', 'start', '-w', workspace]);
    const src = path.join(workspace, 'bpf', 'count_openat.bpf.c');
    cli(['build', 'bpf', src]);
    cli(['load', src.replace(/\.c$/, '.o'), '-w', workspace]);
    server = await startCodeServer({ workspace, vsix: [vsix] });
    browser = await launchChromium();
    wb = await openWorkbench(browser, server.workbenchUrl());
  });

  after(async () => {
    await opener?.kill();
    spawnSync(process.execPath, [cliPath, 'vm', 'stop', '-w', workspace], { timeout: 60_000 });
    if (workspace) killVm(workspace);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    removeTempDir(tmp);
  });

  it('shows the program with run counts, the map with its sizes, and a live map table', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await openRing0Container(page);
      await widenSidebar(page, 620);
      const bpf = await showOnlyView(page, 'BPF');
      const prog = bpf.locator('.monaco-list-row').filter({ hasText: 'count_openat' }).filter({ hasText: 'tracepoint' });
      // Stats are on while the view is visible: the program's row gains run counts and a rate.
      await prog.filter({ hasText: /\d+ runs · \d+\/s/ }).waitFor({ timeout: 60_000 });
      const mapRow = bpf.locator('.monaco-list-row').filter({ hasText: 'openat_counts' });
      await mapRow.filter({ hasText: /hash · id \d+ · key 4 B · value 8 B · \d+\/10240 entries/ }).waitFor();
      const stats = spawnSync(process.execPath, [cliPath, 'vm', 'exec', '-w', workspace, '--', 'cat', '/proc/sys/kernel/bpf_stats_enabled'], { encoding: 'utf8' });
      assert.equal(stats.stdout.trim(), '1', 'kernel BPF stats are on while the BPF view shows');
      await saveScreenshot(page, 'observe-bpf-view');

      // A guest shell that opens a file twice a second: its pid's count grows in the table.
      opener = startProc('opener', process.execPath, [cliPath, 'vm', 'exec', '-w', workspace, '--', 'sh', '-c', 'echo pid=$$; i=0; while [ $i -lt 240 ]; do read x < /etc/hostname; i=$((i+1)); sleep 0.5; done']);
      const pid = (await opener.waitFor(/pid=(\d+)/, 60_000))[1];

      await mapRow.click();
      const table = visibleWebview(page);
      await table.locator('h1', { hasText: 'openat_counts' }).waitFor({ timeout: 30_000 });
      await table.locator('.info', { hasText: 'BTF-decoded' }).waitFor();
      await table.locator('#filter').fill(`key=${pid}`);
      const row = table.locator(`#rows .tr`).filter({ has: table.locator('.td.key', { hasText: new RegExp(`^${pid}$`) }) });
      const value = async () => Number(await row.locator('.td.value').first().textContent({ timeout: 2000 }));
      const v1 = await waitUntil('the opener pid in the table', async () => ((await value()) > 0 ? value() : undefined), 30_000);
      const v2 = await waitUntil(`the value to grow past ${v1}`, async () => {
        const v = await value();
        return v > v1 ? v : undefined;
      }, 20_000);
      assert.ok(v2 > v1);
      await table.locator('#status', { hasText: /1 shown/ }).waitFor();
      await saveScreenshot(page, 'observe-map-table');

      // Edit from the row's button: an input box in the workbench, then bpftool map update in the guest.
      await row.getByRole('button', { name: 'Edit' }).click();
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor();
      await input.fill('100000');
      await input.press('Enter');
      await waitUntil('the edited value', async () => ((await value()) >= 100000 ? true : undefined), 15_000);

      // Delete: a modal confirmation, then the entry restarts from 1 as the shell keeps opening.
      await row.getByRole('button', { name: 'Delete' }).click();
      await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Delete' }).click();
      const after = await waitUntil('the deleted entry to restart', async () => {
        const v = await value().catch(() => 0);
        return v > 0 && v < 100000 ? v : undefined;
      }, 20_000);
      assert.ok(after < 100000);

      // Export what the filter shows as CSV through the save dialog (code-server's own file dialog).
      await table.getByRole('button', { name: 'Export CSV' }).click();
      const pathBox = page.locator('.quick-input-widget .quick-input-box input');
      await pathBox.waitFor();
      // The dialog fills in the suggested path (the workspace folder, then the file name) after it opens.
      await waitUntil('the suggested export path', async () => (/openat_counts\.csv$/.test(await pathBox.inputValue()) ? true : undefined), 10_000);
      await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
      const csvFile = path.join(workspace, 'openat_counts.csv');
      const csv = await waitUntil('the exported CSV', async () => (existsSync(csvFile) ? readFileSync(csvFile, 'utf8') : undefined), 15_000);
      assert.match(csv, new RegExp(`^key,value\r\n${pid},\\d+\r\n$`));

      // Unloading the object while the table shows it: a clear "gone" state.
      cli(['unload', 'count_openat', '-w', workspace]);
      await table.locator('#banner', { hasText: 'no longer exists' }).waitFor({ timeout: 20_000 });
      await bpf.locator('.monaco-list-row').filter({ hasText: 'count_openat' }).first().waitFor({ state: 'detached', timeout: 15_000 });
      await saveScreenshot(page, 'observe-map-gone');
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-observe-ui').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });

  it('subscribes to a tracepoint from the Tracepoints view and streams its events', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      const tp = await showOnlyView(page, 'Tracepoints');
      // Categories from the guest's tracefs (the list is virtualized: only the first rows are rendered).
      await tp.locator('.monaco-list-row').filter({ hasText: /^\w+\s*\d+$/ }).first().waitFor({ timeout: 30_000 });
      // Filter to the one event (its category opens), then subscribe from its row.
      await tp.hover();
      await tp.locator('.actions .action-label[aria-label^="Filter Tracepoints"]').click();
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor();
      await input.fill('sched_process_exec');
      await input.press('Enter');
      const ev = tp.locator('.monaco-list-row').filter({ hasText: 'sched_process_exec' });
      await ev.waitFor();
      await ev.click();
      const stream = visibleWebview(page);
      await stream.locator('#state', { hasText: 'Streaming sched:sched_process_exec' }).waitFor({ timeout: 30_000 });
      for (let i = 0; i < 3; i++) cli(['vm', 'exec', '-w', workspace, '--', 'sh', '-c', 'for i in 1 2 3 4 5; do /bin/true; done']);
      await stream.locator('#log td', { hasText: 'true' }).first().waitFor({ timeout: 20_000 });
      const received = async () => Number(await stream.locator('[data-count="received"] b').textContent());
      await waitUntil('15 events received', async () => ((await received()) >= 15 ? true : undefined), 20_000);
      await stream.locator('#histField option').first().waitFor({ state: 'attached' });
      await saveScreenshot(page, 'observe-stream');
      await stream.locator('#pause').click();
      await stream.locator('#state', { hasText: 'Paused' }).waitFor();
      cli(['vm', 'exec', '-w', workspace, '--', 'sh', '-c', 'for i in 1 2 3; do /bin/true; done']);
      await waitUntil('events skipped while paused', async () => (Number(await stream.locator('[data-count="pausedSkipped"] b').textContent()) >= 3 ? true : undefined), 20_000);
      assert.equal(Number(await stream.locator('[data-count="agentDropped"] b').textContent()), 0);
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-observe-stream').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });

  it('streams decoded ring-buffer records of the exec_events sample from the BPF view', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      const src = path.join(workspace, 'bpf', 'exec_events.bpf.c');
      cli(['build', 'bpf', src]);
      cli(['load', src.replace(/\.c$/, '.o'), '-w', workspace]);
      const bpf = await showOnlyView(page, 'BPF');
      const ring = bpf.locator('.monaco-list-row').filter({ hasText: /^exec_events\s*ringbuf/ });
      await ring.waitFor({ timeout: 60_000 });
      await saveScreenshot(page, 'observe-bpf-view-exec-events');
      await ring.click();
      const stream = visibleWebview(page);
      await stream.locator('#state', { hasText: 'Streaming exec_events' }).waitFor({ timeout: 30_000 });
      await waitUntil('decoded exec records', async () => {
        cli(['vm', 'exec', '-w', workspace, '--', 'sh', '-c', 'for i in 1 2 3 4 5; do /bin/true; done']);
        return (await stream.locator('#log td', { hasText: /^true$/ }).count()) >= 5 ? true : undefined;
      }, 60_000);
      // Decoded with struct exec_event from the object's BTF: its fields are the table's columns.
      for (const col of ['comm', 'filename', 'pid', 'ppid']) await stream.locator('#log th', { hasText: new RegExp(`^${col}$`) }).waitFor();
      assert.equal(Number(await stream.locator('[data-count="malformed"] b').textContent()), 0);
      await saveScreenshot(page, 'observe-ringbuf-stream');
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-observe-ringbuf').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });

  it('highlights a .bt file and runs it with bpftrace in the VM, charting its printed maps', async () => {
    assert.ok(wb);
    const { page } = wb;
    try {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor();
      await input.fill('opens.bt');
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'opens.bt' }).first().click();
      await page.locator('.statusbar-item', { hasText: /^bpftrace$/ }).waitFor();
      // The grammar colours probes and maps: the editor has more than one token colour on the probe line.
      const probeLine = page.locator('.monaco-editor .view-line', { hasText: 'tracepoint:syscalls:sys_enter_openat' });
      await probeLine.waitFor();
      assert.ok(await probeLine.locator('span span').count() >= 2, 'the probe line is split into tokens');
      await runPaletteCommand(page, 'Ring0: Run bpftrace File in VM');
      const stream = visibleWebview(page);
      await stream.locator('h1', { hasText: 'bpftrace: opens.bt' }).waitFor({ timeout: 30_000 });
      // bpftrace starts slowly under TCG; the script prints its maps every 2 s.
      await waitUntil('charted @opens', async () => {
        cli(['vm', 'exec', '-w', workspace, '--', 'cat', '/etc/hostname']);
        return (await stream.locator('[data-map="@opens"] canvas').count()) > 0 ? true : undefined;
      }, 180_000);
      await stream.locator('[data-map="@read_bytes"] canvas').first().waitFor({ timeout: 30_000 });
      await saveScreenshot(page, 'observe-bpftrace');
      await stream.getByRole('button', { name: 'Stop' }).click();
      await stream.locator('#state', { hasText: /Ended: bpftrace exited/ }).waitFor({ timeout: 30_000 });
    } catch (e) {
      const shot = await saveScreenshot(page, 'FAILED-observe-bpftrace').catch(() => 'none');
      throw new Error(`${(e as Error).message}\nscreenshot: ${shot}\n${transcript(server, wb)}`, { cause: e });
    }
  });
});
