// The "bpftrace tools" group of the Tracepoints view: the tools the host's bpftrace package ships
// (/usr/sbin/*.bt), each with its header comment's description; clicking one runs it in the live panel.
import * as vscode from 'vscode';
import type { BpftraceTool } from '../../kernel/observe/bpftraceTools';
import { Commands, ViewItems } from '../ids';
import { Ring0Node } from './node';

class ToolNode extends Ring0Node {
  constructor(tool: BpftraceTool) {
    super(tool.name, vscode.TreeItemCollapsibleState.None);
    this.id = `bt.${tool.name}`;
    this.description = tool.description;
    this.tooltip = new vscode.MarkdownString().appendText(`${tool.path}\n${tool.description}\n`).appendText(vscode.l10n.t('Run it in the VM: a live panel with its output and charts of the maps it prints'));
    this.iconPath = new vscode.ThemeIcon('telescope');
    this.contextValue = ViewItems.BpftraceTool;
    this.command = { command: Commands.BpftraceRunTool, title: vscode.l10n.t('Run bpftrace Tool'), arguments: [tool.name] };
  }
}

class EmptyNode extends Ring0Node {
  constructor() {
    super(vscode.l10n.t('No tools: install Debian\'s bpftrace on the host'), vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('info');
    this.command = { command: Commands.Setup, title: vscode.l10n.t('Install Missing Dependencies') };
  }
}

export class BpftraceToolsNode extends Ring0Node {
  constructor(private readonly tools: readonly BpftraceTool[]) {
    super(vscode.l10n.t('bpftrace tools'), vscode.TreeItemCollapsibleState.Collapsed);
    this.id = 'bt.tools';
    this.description = `${tools.length}`;
    this.tooltip = vscode.l10n.t('The tools the host\'s bpftrace package ships (/usr/sbin/*.bt); they run inside the VM');
    this.iconPath = new vscode.ThemeIcon('tools');
    this.contextValue = ViewItems.BpftraceTools;
  }
  override children(): Ring0Node[] {
    return this.tools.length ? this.tools.map((t) => new ToolNode(t)) : [new EmptyNode()];
  }
}
