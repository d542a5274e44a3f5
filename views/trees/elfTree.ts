// The ELF view: every build output in the workspace (a module's .ko, a BPF program's .bpf.o) with what
// its ELF says — modinfo, parameters, init/exit; programs, maps, license, BTF. Empty: welcome content.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { inspectElf, type ElfInfo } from '../../kernel/elf/inspect';
import { findBuildTargets } from '../../kernel/build/buildTargets';
import { Ring0Node } from './node';

class Leaf extends Ring0Node {
  constructor(label: string, description: string, icon: string, tooltip?: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    if (tooltip) this.tooltip = tooltip;
  }
}

class Group extends Ring0Node {
  constructor(label: string, icon: string, private readonly items: Ring0Node[], description?: string) {
    super(label, items.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(icon);
    this.description = description ?? `${items.length}`;
  }
  override children(): Ring0Node[] {
    return this.items;
  }
}

class ArtifactNode extends Ring0Node {
  constructor(private readonly file: string, root: string) {
    super(path.relative(root, file), vscode.TreeItemCollapsibleState.Collapsed);
    this.resourceUri = vscode.Uri.file(file);
    this.iconPath = new vscode.ThemeIcon(file.endsWith('.ko') ? 'package' : 'symbol-event');
    this.id = `elf.${file}`;
    this.tooltip = file;
  }
  override children(): Ring0Node[] {
    let info: ElfInfo;
    try {
      info = inspectElf(this.file);
    } catch (e) {
      return [new Leaf('Cannot read this ELF file', (e as Error).message, 'warning')];
    }
    return elfNodes(info);
  }
}

export function elfNodes(info: ElfInfo): Ring0Node[] {
  if (info.kind === 'module') {
    return [
      new Leaf('Name', info.name ?? '?', 'symbol-module'),
      new Leaf('License', info.license ?? 'none (taints the kernel)', 'law'),
      ...(info.description ? [new Leaf('Description', info.description, 'info')] : []),
      ...(info.author ? [new Leaf('Author', info.author, 'person')] : []),
      new Leaf('vermagic', info.vermagic ?? '?', 'versions'),
      new Leaf('Depends', info.depends.join(', ') || 'nothing', 'references'),
      new Leaf('init', info.init ?? '—', 'debug-start'),
      new Leaf('exit', info.exit ?? '—', 'debug-stop'),
      new Group('Parameters', 'settings', info.params.map((p) => new Leaf(p.name, [p.type, p.description].filter(Boolean).join(' — '), 'symbol-parameter'))),
    ];
  }
  if (info.kind === 'bpf') {
    return [
      new Leaf('License', info.license ?? 'none (GPL-only helpers will be refused)', 'law'),
      new Leaf('BTF', info.btfError ? `unreadable: ${info.btfError}` : info.hasBtf ? (info.hasBtfExt ? 'yes, with line info' : 'yes') : 'no', 'symbol-structure'),
      new Group('Programs', 'symbol-event', info.programs.map((p) => new Leaf(p.name, `${p.section} — ${p.insnCount} insns`, 'symbol-function'))),
      new Group('Maps', 'database', info.maps.map((m) => new Leaf(m.name, `${m.type ?? '?'} key ${m.keySize ?? '?'} B value ${m.valueSize ?? '?'} B max ${m.maxEntries ?? '?'}`, 'symbol-array'))),
    ];
  }
  return [new Leaf('Not a module or BPF object', `machine ${info.machine}, ${info.elfType}`, 'question')];
}

/** Build outputs of the workspace's targets that exist on disk. */
export function buildOutputs(root: string): string[] {
  const out: string[] = [];
  for (const t of findBuildTargets(root)) {
    if (t.kind === 'bpf') {
      const o = t.file.replace(/\.c$/, '.o');
      if (existsSync(o)) out.push(o);
    } else {
      try {
        for (const f of readdirSync(t.dir).sort()) if (f.endsWith('.ko')) out.push(path.join(t.dir, f));
      } catch {
        // the directory went away
      }
    }
  }
  return out;
}

export function elfRoots(root: string | undefined): Ring0Node[] {
  if (!root) return [];
  return buildOutputs(root).map((f) => new ArtifactNode(f, root));
}
