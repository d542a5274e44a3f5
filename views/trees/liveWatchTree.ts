// The Live Watch view's rows: one per watched expression, its value as read while the VM runs.
import * as vscode from 'vscode';
import type { WatchReading } from '../../kernel/vm/liveWatch';
import { ViewItems } from '../ids';
import { Ring0Node } from './node';

export class WatchNode extends Ring0Node {
  constructor(readonly expression: string, reading: WatchReading | undefined, stateNote: string | undefined) {
    super(expression, vscode.TreeItemCollapsibleState.None);
    this.contextValue = ViewItems.LiveWatch;
    if (stateNote) {
      this.description = stateNote;
      this.iconPath = new vscode.ThemeIcon('debug-pause');
    } else if (!reading) {
      this.description = '…';
    } else if (reading.error) {
      this.description = `cannot read: ${reading.error}`;
      this.iconPath = new vscode.ThemeIcon('warning');
    } else {
      this.description = `${reading.value} (${reading.hex})`;
      this.iconPath = new vscode.ThemeIcon('eye');
    }
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${expression}**\n\n`);
    if (reading?.address) md.appendMarkdown(`address \`${reading.address}\`\n\n`);
    md.appendMarkdown(stateNote ?? (reading?.error ? `Cannot read: ${reading.error}` : `value ${reading?.value ?? '…'}`));
    this.tooltip = md;
  }
}

export function liveWatchRoots(expressions: readonly string[], readings: ReadonlyMap<string, WatchReading>, stateNote: string | undefined): Ring0Node[] {
  return expressions.map((e) => new WatchNode(e, readings.get(e), stateNote));
}
