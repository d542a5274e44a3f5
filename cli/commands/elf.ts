// CLI: `ring0 elf inspect FILE` — programs/maps/license of a BPF object, modinfo/params/init/exit of a .ko.
import path from 'node:path';
import { inspectElf, type ElfInfo } from '../../kernel/elf/inspect';
import type { CliCommand } from '../command';

export function formatElfInfo(i: ElfInfo): string {
  const lines: string[] = [];
  if (i.kind === 'bpf') {
    lines.push(`BPF object ${i.file}`, `license: ${i.license ?? '(none)'}`, `BTF: ${i.btfError ? `unreadable (${i.btfError}); its maps are not listed` : i.hasBtf ? 'yes' : 'no'}${i.hasBtfExt ? ' (with line info)' : ''}`, 'programs:');
    for (const p of i.programs) lines.push(`  ${p.name}  ${p.section}  ${p.insnCount} insns`);
    lines.push('maps:');
    for (const m of i.maps) lines.push(`  ${m.name}  ${m.type ?? '?'}  key ${m.keySize ?? '?'} B, value ${m.valueSize ?? '?'} B, max ${m.maxEntries ?? '?'} entries (${m.source})`);
  } else if (i.kind === 'module') {
    lines.push(`kernel module ${i.file}`);
    for (const [k, v] of [['name', i.name], ['license', i.license], ['description', i.description], ['author', i.author], ['vermagic', i.vermagic], ['depends', i.depends.join(', ')], ['init', i.init], ['exit', i.exit]] as const) {
      if (v) lines.push(`${k}: ${v}`);
    }
    if (i.params.length) lines.push('params:', ...i.params.map((p) => `  ${p.name}${p.type ? ` (${p.type})` : ''}${p.description ? `: ${p.description}` : ''}`));
  } else {
    lines.push(`ELF file ${i.file} (machine ${i.machine}, ${i.elfType}): neither a BPF object nor a kernel module`, `sections: ${i.sections.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export const elfInspectCommand: CliCommand = {
  path: ['elf', 'inspect'],
  summary: 'Show what a BPF object or kernel module contains (programs, maps, modinfo, params).',
  synopsis: 'FILE [--json]',
  details: [
    '--json  BPF: {kind:"bpf", license, hasBtf, programs:[{section,name,insnCount}], maps:[{name,type,keySize,valueSize,maxEntries}]}',
    '        module: {kind:"module", name, license, description, author, depends, vermagic, params:[{name,type,description}], init, exit}',
  ],
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const file = path.resolve(inv.io.cwd, inv.positionals[0]);
    let info: ElfInfo;
    try {
      info = inspectElf(file);
    } catch (e) {
      // Any parse failure is a plain message, never a stack trace.
      const message = (e as Error).message;
      if (inv.values.json) inv.io.out(JSON.stringify({ ok: false, file, error: message }, null, 2) + '\n');
      inv.io.err(`ring0 elf inspect: ${message}\n`);
      return 1;
    }
    inv.io.out(inv.values.json ? JSON.stringify(info, null, 2) + '\n' : formatElfInfo(info));
    // What could be read is shown; a malformed part still fails the command.
    if (info.kind === 'bpf' && info.btfError) {
      inv.io.err(`ring0 elf inspect: ${file}: ${info.btfError}\n`);
      return 1;
    }
    return 0;
  },
};

export const ELF_COMMANDS: CliCommand[] = [elfInspectCommand];
