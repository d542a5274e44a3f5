// The BPF view: what Ring0 loaded into the VM, grouped by object — programs (with run counts and
// runtime while kernel BPF stats are on), links and maps (type, sizes, entries; click opens the map
// table) — then whatever else is loaded (bpftrace, other tools). Nothing loaded: empty, so the
// welcome content for the VM state shows.
import * as vscode from 'vscode';
import type { LoadedObject, PinnedEntry } from '../../kernel/bpf/loader';
import { Commands, ViewItems } from '../ids';
import { mapSizeText, progStatsText, type BpfSnapshot, type MapView, type ProgView } from '../model/bpfSnapshot';
import type { MapRef } from '../mapTablePanel';
import { Ring0Node } from './node';

const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' · ');
const idText = (id: number | undefined) => (id !== undefined ? `id ${id}` : '');

class LeafNode extends Ring0Node {
  constructor(label: string, description: string, tooltip: string, icon: string, id: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.tooltip = tooltip;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.id = id;
  }
}

class GroupNode extends Ring0Node {
  constructor(label: string, icon: string, private readonly items: Ring0Node[], id: string, collapsed = false) {
    super(label, items.length ? (collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded) : vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = `${items.length}`;
    this.id = id;
  }
  override children(): Ring0Node[] {
    return this.items;
  }
}

function progNode(name: string, p: ProgView | undefined, pin: PinnedEntry | undefined, statsOn: boolean, id: string): Ring0Node {
  if (pin?.error) return new LeafNode(name, `unreadable: ${pin.error}`, pin.pinned, 'warning', id);
  const stats = p ? progStatsText(p) : undefined;
  const desc = join(p?.type ?? pin?.type, idText(p?.id ?? pin?.id), stats ?? (statsOn ? 'no runs yet' : undefined));
  const tip = [pin?.pinned, p?.tag && `tag ${p.tag}`, p?.mapIds.length ? `maps ${p.mapIds.join(', ')}` : undefined, stats ? `${stats} (kernel BPF stats are on while this view is visible)` : undefined].filter(Boolean).join('\n');
  const n = new LeafNode(name, desc, tip, 'symbol-function', id);
  n.contextValue = ViewItems.BpfProgram;
  return n;
}

function mapNode(name: string, m: MapView | undefined, pin: PinnedEntry | undefined, id: string): Ring0Node {
  if (pin?.error) return new LeafNode(name, `unreadable: ${pin.error}`, pin.pinned, 'warning', id);
  const type = m?.type ?? pin?.type ?? 'map';
  const sizes = m ? mapSizeText(m) : pin?.keySize !== undefined ? mapSizeText({ keySize: pin.keySize, valueSize: pin.valueSize ?? 0, maxEntries: pin.maxEntries ?? 0 }) : '';
  const n = new LeafNode(name, join(type, idText(m?.id ?? pin?.id), sizes), [pin?.pinned, m?.btfId !== undefined ? `BTF id ${m.btfId}` : 'no BTF', type === 'ringbuf' || type === 'perf_event_array' ? 'Click to stream its records' : 'Click to open its table'].filter(Boolean).join('\n'), type.includes('ringbuf') || type === 'perf_event_array' ? 'pulse' : 'symbol-array', id);
  const mapId = m?.id ?? pin?.id;
  if (mapId !== undefined) {
    const ref: MapRef = { id: mapId, name, ...(pin?.pinned ? { pinned: pin.pinned } : {}) };
    const streamable = type === 'ringbuf' || type === 'perf_event_array';
    n.command = streamable ? { command: Commands.BpfStreamMap, title: 'Stream Records', arguments: [ref] } : { command: Commands.BpfOpenMap, title: 'Open Map Table', arguments: [ref] };
    n.contextValue = streamable ? ViewItems.BpfStreamMap : ViewItems.BpfMap;
  }
  return n;
}

class ObjectNode extends Ring0Node {
  constructor(private readonly obj: LoadedObject, private readonly s: BpfSnapshot) {
    super(obj.name, vscode.TreeItemCollapsibleState.Expanded);
    this.description = `${obj.programs.length} program(s), ${obj.maps.length} map(s)`;
    this.tooltip = obj.pinDir;
    this.iconPath = new vscode.ThemeIcon('symbol-event');
    this.id = `bpf.${obj.name}`;
    this.contextValue = ViewItems.BpfObject;
  }
  override children(): Ring0Node[] {
    const o = this.obj;
    const s = this.s;
    const base = `bpf.${o.name}`;
    const links = o.links.map((l) => new LeafNode(l.name, l.error ? `unreadable: ${l.error}` : join(l.type, idText(l.id), l.progId !== undefined && `prog ${l.progId}`), l.pinned, l.error ? 'warning' : 'link', `${base}.link.${l.name}`));
    return [
      new GroupNode('Programs', 'symbol-function', o.programs.map((p) => progNode(p.name, p.id !== undefined ? s.progs.get(p.id) : undefined, p, s.statsOn, `${base}.prog.${p.name}`)), `${base}.progs`),
      new GroupNode('Links', 'link', links, `${base}.links`, true),
      new GroupNode('Maps', 'database', o.maps.map((m) => mapNode(m.name, m.id !== undefined ? s.maps.get(m.id) : undefined, m, `${base}.map.${m.name}`)), `${base}.maps`),
    ];
  }
}

class OtherNode extends Ring0Node {
  constructor(private readonly s: BpfSnapshot) {
    super('Other programs and maps', vscode.TreeItemCollapsibleState.Collapsed);
    this.description = `${s.otherProgs.length} program(s), ${s.otherMaps.length} map(s) not loaded by Ring0`;
    this.tooltip = 'Loaded by bpftrace or other tools in the VM';
    this.iconPath = new vscode.ThemeIcon('package');
    this.id = 'bpf.other';
  }
  override children(): Ring0Node[] {
    return [
      new GroupNode('Programs', 'symbol-function', this.s.otherProgs.map((p) => progNode(p.name || `prog ${p.id}`, p, undefined, this.s.statsOn, `bpf.other.prog.${p.id}`)), 'bpf.other.progs'),
      new GroupNode('Maps', 'database', this.s.otherMaps.map((m) => mapNode(m.name || `map ${m.id}`, m, undefined, `bpf.other.map.${m.id}`)), 'bpf.other.maps'),
    ];
  }
}

export function bpfRoots(s: BpfSnapshot): Ring0Node[] {
  const roots: Ring0Node[] = s.objects.map((o) => new ObjectNode(o, s));
  // Only alongside Ring0's objects, or when something else is loaded: an empty view keeps its welcome text.
  if (s.otherProgs.length || s.otherMaps.length) roots.push(new OtherNode(s));
  return roots;
}
