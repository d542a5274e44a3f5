// The lab catalog in the Test Explorer: track → lab → objective TestItems; the Run profile runs each
// lab's checker (the same `ring0 lab check` as the Labs view) and marks every objective passed or
// failed with the checker's message and, where it knows one (a build error), its location.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import type { CatalogLab } from '../labs/model/catalog';
import { runLabCheck } from './labCheckRun';

const trackId = (t: string) => `track:${t}`;
const labId = (id: string) => `lab:${id}`;
const objectiveId = (lab: string, o: string) => `objective:${lab}/${o}`;

/** Fills the controller's items from the catalog (pure over its inputs; re-run when the catalog changes). */
export function syncLabItems(c: vscode.TestController, labs: readonly CatalogLab[]): void {
  const tracks = new Map<string, vscode.TestItem>();
  for (const lab of labs) {
    let track = tracks.get(lab.track);
    if (!track) {
      track = c.createTestItem(trackId(lab.track), lab.track);
      tracks.set(lab.track, track);
    }
    const steps = path.join(lab.dir, lab.steps);
    const item = c.createTestItem(labId(lab.id), lab.title, existsSync(steps) ? vscode.Uri.file(steps) : undefined);
    item.description = lab.id;
    item.children.replace(lab.objectives.map((o) => c.createTestItem(objectiveId(lab.id, o.id), o.text)));
    track.children.add(item);
  }
  c.items.replace([...tracks.values()]);
}

/** The labs a run request covers: every lab under the included items (all when none), minus excluded ones. */
function labsOf(c: vscode.TestController, request: vscode.TestRunRequest): Map<string, vscode.TestItem[]> {
  const out = new Map<string, vscode.TestItem[]>();
  const excluded = new Set((request.exclude ?? []).map((i) => i.id));
  const add = (item: vscode.TestItem) => {
    if (excluded.has(item.id)) return;
    if (item.id.startsWith('track:')) item.children.forEach(add);
    else if (item.id.startsWith('lab:')) {
      const objs: vscode.TestItem[] = [];
      item.children.forEach((o) => void (excluded.has(o.id) || objs.push(o)));
      out.set(item.id.slice(4), objs);
    } else if (item.id.startsWith('objective:')) {
      const lab = item.parent?.id.slice(4) ?? item.id.slice(10).split('/')[0];
      out.set(lab, [...(out.get(lab) ?? []), item]);
    }
  };
  if (request.include) request.include.forEach(add);
  else c.items.forEach(add);
  return out;
}

export function registerLabTests(ctx: Ring0Context): vscode.TestController {
  const c = vscode.tests.createTestController('ring0.labs', vscode.l10n.t('Ring0 Labs'));
  ctx.extension.subscriptions.push(c);
  const sync = () => syncLabItems(c, ctx.labs.labs);
  sync();
  c.refreshHandler = () => {
    ctx.labs.refresh(true);
    sync();
  };
  ctx.extension.subscriptions.push(ctx.onDidChangeLabs(() => {
    if (c.items.size === 0) sync();
  }));

  const isRunning = () => ctx.vm.snapshot.status.state === 'running';
  c.createRunProfile(vscode.l10n.t('Check Lab'), vscode.TestRunProfileKind.Run, async (request, token) => {
    const run = c.createTestRun(request);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      for (const [id, items] of labsOf(c, request)) {
        if (token.isCancellationRequested) break;
        const lab = ctx.labs.find(id);
        const labItem = c.items.get(trackId(lab?.track ?? ''))?.children.get(labId(id));
        if (!lab || !labItem) continue;
        // The lab's other objectives are reported too: one check answers them all.
        const all: vscode.TestItem[] = [];
        labItem.children.forEach((o) => void all.push(o));
        for (const o of items) run.started(o);
        const folder = ctx.labs.folder(id);
        if (!folder || !existsSync(folder)) {
          for (const o of items) run.errored(o, new vscode.TestMessage(vscode.l10n.t('{0} is not started yet: start it from the Labs view (Ring0: Start Lab), then run it again.', lab.title)));
          continue;
        }
        try {
          if (!isRunning()) {
            run.appendOutput(vscode.l10n.t('Starting the VM for {0}…', lab.title) + '\r\n');
            await ctx.vm.start();
            if (!isRunning()) throw new Error(vscode.l10n.t('the VM did not start; see the VM view'));
          }
          run.appendOutput(vscode.l10n.t('Checking {0}…', lab.title) + '\r\n');
          const t0 = Date.now();
          const result = await runLabCheck(ctx, lab, folder, abort.signal);
          const ms = Date.now() - t0;
          for (const o of all) {
            const r = result.objectives.find((x) => x.id === o.id.slice(o.id.indexOf('/') + 1));
            if (!r) continue;
            run.appendOutput(`${r.passed ? 'PASS' : 'FAIL'} ${r.id}: ${r.message}\r\n`);
            if (r.passed) run.passed(o, ms);
            else {
              const m = new vscode.TestMessage(r.message);
              if (r.file) m.location = new vscode.Location(vscode.Uri.file(r.file), new vscode.Position(Math.max(0, (r.line ?? 1) - 1), 0));
              run.failed(o, m, ms);
            }
          }
        } catch (e) {
          const m = new vscode.TestMessage(token.isCancellationRequested ? vscode.l10n.t('cancelled') : (e as Error).message);
          for (const o of items) {
            if (token.isCancellationRequested) run.skipped(o);
            else run.errored(o, m);
          }
        }
      }
    } finally {
      sub.dispose();
      run.end();
    }
  }, true);
  return c;
}
