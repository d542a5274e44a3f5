// The Kernel view: the running VM's tasks (filterable) and modules (with Ring0's symbol status), each
// row saying where it was read; a Kernel Log row opens dmesg following. No VM: empty (welcome content).
import * as vscode from 'vscode';
import type { ModuleRow, TaskRow } from '../../kernel/observe/kernelState';
import { Commands } from '../ids';
import { Ring0Node } from './node';

export interface KernelSnapshot {
  tasks: TaskRow[];
  modules: ModuleRow[];
  filter?: string;
  error?: string;
}

class Row extends Ring0Node {
  constructor(label: string, description: string, icon: string, tooltip: string, id: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.tooltip = tooltip;
    this.id = id;
  }
}

class Group extends Ring0Node {
  constructor(label: string, icon: string, id: string, private readonly items: Ring0Node[], description: string) {
    super(label, vscode.TreeItemCollapsibleState.Collapsed);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = description;
    this.id = id;
  }
  override children(): Ring0Node[] {
    return this.items;
  }
}

const SYMBOLS: Record<ModuleRow['symbols']['status'], string> = { workspace: 'symbols: workspace build', 'debug-package': 'symbols: Debian -dbg', none: 'no symbols' };

export function kernelRoots(s: KernelSnapshot | undefined): Ring0Node[] {
  if (!s) return [];
  if (s.error) return [new Row(vscode.l10n.t('Cannot read kernel state'), s.error, 'warning', s.error, 'kernel.error')];
  const f = s.filter?.toLowerCase();
  const tasks = s.tasks.filter((t) => !f || t.comm.toLowerCase().includes(f) || String(t.pid) === f);
  const taskRows = tasks.map((t) => new Row(`${t.pid} ${t.comm}`, vscode.l10n.t('{0} · CPU {1} · parent {2} · {3}', t.state, t.cpu, t.ppid, t.source), t.state === 'R' ? 'run' : 'circle-outline', `${t.comm} (pid ${t.pid}, parent ${t.ppid}, state ${t.state}, CPU ${t.cpu}, ${t.threads} thread(s)); read from ${t.source}`, `kernel.task.${t.pid}`));
  const modRows = s.modules.map((m) => new Row(m.name, `${m.address} · ${m.size} B · ref ${m.refcount} · ${SYMBOLS[m.symbols.status]} · ${m.source}`, m.symbols.status === 'none' ? 'package' : 'symbol-module', `${m.name}: ${m.state}, base ${m.address}, ${m.size} bytes, ${m.refcount} reference(s)${m.usedBy.length ? `, used by ${m.usedBy.join(', ')}` : ''}\n${m.symbols.file ?? 'no .ko with debug info found'}\nread from ${m.source}`, `kernel.module.${m.name}`));
  const log = new Row(vscode.l10n.t('Kernel Log'), vscode.l10n.t('dmesg, following (agent:/dev/kmsg)'), 'output', vscode.l10n.t('Open the kernel log in a terminal, following new messages, levels coloured'), 'kernel.dmesg');
  log.command = { command: Commands.KernelDmesg, title: vscode.l10n.t('Open Kernel Log') };
  return [
    new Group(vscode.l10n.t('Tasks'), 'server-process', 'kernel.tasks', taskRows, f ? vscode.l10n.t('{0} of {1} matching "{2}"', tasks.length, s.tasks.length, s.filter ?? '') : String(s.tasks.length)),
    new Group(vscode.l10n.t('Modules'), 'extensions', 'kernel.modules', modRows, String(s.modules.length)),
    log,
  ];
}
