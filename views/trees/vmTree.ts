// The VM view: state, accelerator, kernel, uptime, shares, loaded modules, and a panic's decoded trace
// whose frames open their source lines. Stopped with no history: empty, so the welcome content shows.
import * as vscode from 'vscode';
import type { OopsFrame } from '../../kernel/vm/oops';
import { formatFrame } from '../../kernel/vm/symbolize';
import type { VmSnapshot } from '../../kernel/vm/snapshot';
import { Commands, ViewItems } from '../ids';
import { Ring0Node } from './node';

class InfoNode extends Ring0Node {
  constructor(label: string, description: string, icon: string, id: string, tooltip?: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.id = id;
    if (tooltip) this.tooltip = tooltip;
  }
}

class GroupNode extends Ring0Node {
  constructor(label: string, icon: string, id: string, private readonly items: Ring0Node[], expanded = false) {
    super(label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = `${items.length}`;
    this.id = id;
  }
  override children(): Ring0Node[] {
    return this.items;
  }
}

class FrameNode extends Ring0Node {
  constructor(frame: OopsFrame, index: number) {
    super(`${frame.reliable ? '' : '? '}${frame.function}+0x${frame.offset.toString(16)}`, vscode.TreeItemCollapsibleState.None);
    this.description = [frame.module ? `[${frame.module}]` : '', frame.file ? `${frame.file}:${frame.line}` : ''].filter(Boolean).join(' ');
    this.tooltip = formatFrame(frame);
    this.iconPath = new vscode.ThemeIcon(frame.file ? 'debug-stackframe' : 'debug-stackframe-dot');
    this.id = `vm.panic.frame.${index}`;
    if (frame.file && frame.line) {
      this.command = { command: 'ring0.vm.openPanicLocation', title: 'Open', arguments: [frame.file, frame.line] };
    }
  }
}

function dumpsGroup(dumps: NonNullable<VmSnapshot['dumps']>): Ring0Node {
  const mib = (n: number) => `${Math.round(n / (1 << 20))} MiB`;
  const rows = dumps.map((d) => {
    const n = new InfoNode(d.name, `${mib(d.sizeBytes)} · ${d.reason}${d.summary ? ` · ${d.summary}` : ''}`, d.reason === 'panic' ? 'flame' : 'save', `vm.dump.${d.name}`, `${d.dump}\n${new Date(d.createdAt).toISOString()}`);
    n.contextValue = ViewItems.Dump;
    n.command = { command: Commands.DumpOpen, title: 'Open in crash', arguments: [d.dump] };
    return n;
  });
  const g = new GroupNode('Crash dumps', 'archive', 'vm.dumps', rows);
  g.description = `${dumps.length} · ${mib(dumps.reduce((s, d) => s + d.sizeBytes, 0))}`;
  return g;
}

const STATE_ICON: Record<string, string> = { running: 'vm-running', starting: 'loading~spin', stopped: 'vm-outline', panicked: 'error' };

export function vmTreeRoots(snap: VmSnapshot): Ring0Node[] {
  const { status, state } = snap;
  if (status.state === 'stopped' && !status.error && !status.panic) return snap.dumps ? [dumpsGroup(snap.dumps)] : [];
  const nodes: Ring0Node[] = [
    new InfoNode('State', status.state === 'starting' && state?.progress ? `starting — ${state.progress.label}` : status.state, STATE_ICON[status.state] ?? 'vm', 'vm.state'),
  ];
  if (status.error) nodes.push(new InfoNode('Error', status.error.split('\n')[0], 'warning', 'vm.error', status.error));
  if (status.accel) nodes.push(new InfoNode('Accelerator', status.accel.toUpperCase(), 'rocket', 'vm.accel', state?.accelReason));
  if (state?.kernel) nodes.push(new InfoNode('Kernel', state.kernel.release, 'chip', 'vm.kernel', state.kernel.image));
  if (status.state === 'running') {
    // A start time, not a ticking uptime: the view repaints only when the VM changes.
    if (state?.startedAt !== undefined) nodes.push(new InfoNode('Started', new Date(state.startedAt).toLocaleTimeString(), 'watch', 'vm.started', new Date(state.startedAt).toString()));
    if (status.bootMs !== undefined) nodes.push(new InfoNode('Boot time', `${(status.bootMs / 1000).toFixed(2)} s`, 'dashboard', 'vm.boot'));
    if (status.pid) nodes.push(new InfoNode('QEMU pid', `${status.pid}`, 'server-process', 'vm.pid'));
    if (state?.shares?.length) {
      nodes.push(new GroupNode('Shares', 'folder-opened', 'vm.shares', state.shares.map((s) => new InfoNode(s.guestPath, `${s.tag}${s.readOnly ? ' (read-only, overlay)' : ' (read-write)'}`, s.readOnly ? 'lock' : 'folder', `vm.share.${s.tag}`, `host ${s.source}`))));
    }
    if (snap.modules) nodes.push(new GroupNode('Loaded modules', 'package', 'vm.modules', snap.modules.map((m) => new InfoNode(m, '', 'symbol-module', `vm.module.${m}`))));
  }
  if (status.panic) {
    const p = status.panic;
    const frames = [...(p.rip ? [p.rip] : []), ...p.frames];
    nodes.push(new GroupNode(`Panic: ${p.summary}`, 'error', 'vm.panic', frames.map((f, i) => new FrameNode(f, i)), true));
  }
  if (snap.dumps) nodes.push(dumpsGroup(snap.dumps));
  return nodes;
}
