// The BPF view: what Ring0 loaded into the VM, grouped by object — programs, links and maps with
// their kernel ids. Nothing loaded (or no VM): empty, so the welcome content for the VM state shows.
import * as vscode from 'vscode';
import type { LoadedObject, PinnedEntry } from '../../kernel/bpf/loader';
import { ViewItems } from '../../extension/manifest';
import { Ring0Node } from './node';

class EntryNode extends Ring0Node {
  constructor(e: PinnedEntry, describe: (e: PinnedEntry) => string, icon: string, id: string) {
    super(e.name, vscode.TreeItemCollapsibleState.None);
    this.description = e.error ? `unreadable: ${e.error}` : describe(e);
    this.tooltip = `${e.pinned}${e.kernelName && e.kernelName !== e.name ? ` (kernel name ${e.kernelName})` : ''}`;
    this.iconPath = new vscode.ThemeIcon(e.error ? 'warning' : icon);
    this.id = id;
  }
}

class GroupNode extends Ring0Node {
  constructor(label: string, icon: string, private readonly items: Ring0Node[], id: string) {
    super(label, items.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = `${items.length}`;
    this.id = id;
  }
  override children(): Ring0Node[] {
    return this.items;
  }
}

const idText = (e: PinnedEntry) => (e.id !== undefined ? `id ${e.id}` : '');
const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' · ');

class ObjectNode extends Ring0Node {
  constructor(private readonly obj: LoadedObject) {
    super(obj.name, vscode.TreeItemCollapsibleState.Expanded);
    this.description = `${obj.programs.length} program(s), ${obj.maps.length} map(s)`;
    this.tooltip = obj.pinDir;
    this.iconPath = new vscode.ThemeIcon('symbol-event');
    this.id = `bpf.${obj.name}`;
    this.contextValue = ViewItems.BpfObject;
  }
  override children(): Ring0Node[] {
    const o = this.obj;
    const base = `bpf.${o.name}`;
    return [
      new GroupNode('Programs', 'symbol-function', o.programs.map((p) => new EntryNode(p, (e) => join(e.type, idText(e)), 'symbol-function', `${base}.prog.${p.name}`)), `${base}.progs`),
      new GroupNode('Links', 'link', o.links.map((l) => new EntryNode(l, (e) => join(e.type, idText(e), e.progId !== undefined && `prog ${e.progId}`), 'link', `${base}.link.${l.name}`)), `${base}.links`),
      new GroupNode('Maps', 'database', o.maps.map((m) => new EntryNode(m, (e) => join(e.type, idText(e), e.keySize !== undefined && `key ${e.keySize} B`, e.valueSize !== undefined && `value ${e.valueSize} B`, e.maxEntries !== undefined && `max ${e.maxEntries}`), 'symbol-array', `${base}.map.${m.name}`)), `${base}.maps`),
    ];
  }
}

export function bpfRoots(objects: readonly LoadedObject[]): Ring0Node[] {
  return objects.map((o) => new ObjectNode(o));
}
