// Ring0: Filter / Clear Filter / Refresh / Subscribe for the Tracepoints view. Subscribe opens a stream
// panel of the event (from the tree, or CATEGORY:EVENT typed in the palette).
import * as vscode from 'vscode';
import { parseEventSpec } from '../../kernel/observe/tracefs';
import { StreamPanel } from '../../views/streamPanel';
import type { ObserveServices } from '../observe/services';
import { tracepointSource } from '../observe/streamSources';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

export const tracepointsRefresh = (obs: ObserveServices): CommandFactory => () => () => obs.tracepoints.refresh();

export const tracepointsClearFilter = (obs: ObserveServices): CommandFactory => () => () => obs.tracepoints.setFilter('');

export const tracepointsFilter = (obs: ObserveServices): CommandFactory => () => async () => {
  const filter = await vscode.window.showInputBox({ title: vscode.l10n.t('Filter Tracepoints'), prompt: vscode.l10n.t('Text in CATEGORY:EVENT, e.g. "sched_process" or "openat"; a category name keeps all its events'), value: obs.tracepoints.filter });
  if (filter !== undefined) obs.tracepoints.setFilter(filter);
};

export const tracepointsSubscribe = (obs: ObserveServices): CommandFactory<CommandArgs[Commands.TracepointsSubscribe]> => (ctx) => async (arg) => {
  let spec = typeof arg === 'string' ? arg : undefined;
  spec ??= await vscode.window.showInputBox({
    title: vscode.l10n.t('Subscribe to Tracepoint'),
    prompt: 'CATEGORY:EVENT',
    placeHolder: 'sched:sched_process_exec',
    validateInput: (t) => {
      try {
        parseEventSpec(t.trim());
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (!spec) return;
  parseEventSpec(spec.trim());
  if (!obs.guest.running) throw new Error("no VM is running; start it with 'Ring0: Start VM' to stream its tracepoints");
  StreamPanel.createOrShow(ctx.extension.extensionUri, tracepointSource(() => obs.guest.dedicated(), spec.trim()), ctx.log);
};
