// CLI: `ring0 load PATH` (a .ko → insmod, reloading; a .bpf.o → the BPF loader) and `ring0 unload NAME`
// in the running workspace VM.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isModuleLoaded, loadModule, unloadModule } from '../../kernel/build/load';
import { loadBpf, unloadBpf } from '../../kernel/build/bpfLoad';
import { formatDiagnostic } from '../../kernel/build/diagnostics';
import { inspectElf } from '../../kernel/elf/inspect';
import { connectAgent } from '../../kernel/vm/manager';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { workspaceOf } from './vm';

/** With --json, a failure before any result (no VM, not a module) is still JSON: {ok: false, error}. */
async function reportingErrors(inv: Invocation, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!inv.values.json || e instanceof UsageError) throw e;
    inv.io.out(JSON.stringify({ ok: false, error: (e as Error).message }, null, 2) + '\n');
    inv.io.err(`ring0: ${(e as Error).message}\n`);
    return 1;
  }
}

export const loadCommand: CliCommand = {
  path: ['load'],
  summary: 'Load a kernel module (.ko, reloading it if loaded) or a BPF object (.bpf.o) into the workspace VM.',
  synopsis: 'PATH [--json] [--iface IF] [--uprobe-target P]',
  details: [
    '--json              module: {ok, kind:"module", name, path, reloaded, warnings, dmesg, error?}',
    '                    BPF: {ok, kind:"bpf", name, programs, maps, diagnostics, error?}',
    '--iface IF          network interface for XDP/tc programs',
    '--uprobe-target P   binary for uprobes',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { json: { type: 'boolean' }, iface: { type: 'string' }, 'uprobe-target': { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 1, max: 1 },
  run: (inv) => reportingErrors(inv, async () => {
    const file = path.resolve(inv.io.cwd, inv.positionals[0]);
    if (!existsSync(file)) throw new Error(`${file} does not exist; build it first`);
    const isKo = file.endsWith('.ko');
    if (!isKo && !file.endsWith('.o')) throw new UsageError(`${file} is neither a kernel module (.ko) nor a BPF object (.bpf.o)`);
    const kind = inspectElf(file).kind;
    if (kind !== (isKo ? 'module' : 'bpf')) throw new Error(`${file} is not a ${isKo ? 'kernel module' : 'BPF object (built with clang -target bpf)'}${kind === 'module' ? ' but a kernel module' : kind === 'bpf' ? ' but a BPF object' : ''}`);
    const agent = await connectAgent(workspaceOf(inv));
    try {
      if (isKo) {
        const r = await loadModule(agent, file);
        if (inv.values.json) inv.io.out(JSON.stringify(r, null, 2) + '\n');
        else if (r.ok) inv.io.out(`${r.reloaded ? 'reloaded' : 'loaded'} ${r.name}${r.sections?.['.text'] ? ` (.text at ${r.sections['.text']})` : ''}\n${r.dmesg.map((l) => `  ${l}\n`).join('')}`);
        for (const w of r.warnings) inv.io.err(`warning: ${w}\n`);
        if (!r.ok && !inv.values.json) inv.io.err(`ring0 load: ${r.error}\n${r.dmesg.map((l) => `  ${l}\n`).join('')}`);
        return r.ok ? 0 : 1;
      }
      const r = await loadBpf(agent, { object: file, iface: inv.values.iface as string | undefined, uprobeTarget: inv.values['uprobe-target'] as string | undefined });
      if (inv.values.json) inv.io.out(JSON.stringify(r, null, 2) + '\n');
      else if (r.ok) {
        inv.io.out(`loaded ${r.name}\n`);
        for (const p of r.programs) inv.io.out(`  program ${p.name} (id ${p.id ?? '?'})${p.attachPoint ? ` attached to ${p.attachPoint}` : ''}\n`);
        for (const m of r.maps) inv.io.out(`  map ${m.name} (id ${m.id ?? '?'})\n`);
      } else {
        for (const d of r.diagnostics) inv.io.err(formatDiagnostic(d) + '\n');
        inv.io.err(`ring0 load: ${r.error}\n`);
      }
      return r.ok ? 0 : 1;
    } finally {
      agent.close();
    }
  }),
};

export const unloadCommand: CliCommand = {
  path: ['unload'],
  summary: 'Unload a kernel module (rmmod) or a BPF object loaded by ring0 load, by name.',
  synopsis: 'NAME [--json]',
  details: ['--json  {ok, kind, name, error?}', '-w, --workspace DIR the workspace whose VM to use (default: .)'],
  options: { json: { type: 'boolean' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 1, max: 1 },
  run: (inv) => reportingErrors(inv, async () => {
    const name = inv.positionals[0];
    const agent = await connectAgent(workspaceOf(inv));
    try {
      const r = (await isModuleLoaded(agent, name)) ? await unloadModule(agent, name) : await unloadBpf(agent, name);
      if (inv.values.json) inv.io.out(JSON.stringify(r, null, 2) + '\n');
      else if (r.ok) inv.io.out(`unloaded ${r.name}\n`);
      else inv.io.err(`ring0 unload: ${r.error}\n`);
      return r.ok ? 0 : 1;
    } finally {
      agent.close();
    }
  }),
};

export const LOAD_COMMANDS: CliCommand[] = [loadCommand, unloadCommand];
