// Commands of the Live Watch view: add an expression (validated as it is typed) and remove one.
import * as vscode from 'vscode';
import { parseWatch } from '../../kernel/vm/liveWatch';
import type { LiveWatchController } from '../liveWatch/liveWatchController';
import type { WatchNode } from '../../views/trees/liveWatchTree';

export async function liveWatchAdd(watch: LiveWatchController, expression?: unknown): Promise<void> {
  const text = typeof expression === 'string' ? expression : await vscode.window.showInputBox({
    title: vscode.l10n.t('Ring0: Live Watch'),
    prompt: vscode.l10n.t('A kernel global to read while the VM runs: SYMBOL[+OFFSET][:TYPE] or 0xADDRESS[:TYPE], TYPE u8…u64 or s8…s64 (default u64)'),
    placeHolder: 'jiffies, nr_threads:s32',
    validateInput: (v) => {
      try {
        parseWatch(v);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (text) await watch.add(text);
}

export async function liveWatchRemove(watch: LiveWatchController, node?: WatchNode): Promise<void> {
  if (node?.expression) await watch.remove(node.expression);
}
