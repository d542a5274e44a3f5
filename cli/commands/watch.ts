// CLI: `ring0 vm watch EXPR...` — kernel globals read live (QEMU's monitor, no gdb stop) N times a second.
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { kernelSymbolsFor, parseWatch, readWatches, resolveWatch } from '../../kernel/vm/liveWatch';
import { connectAgent } from '../../kernel/vm/manager';
import { workspaceOf } from './vm';

export const vmWatchCommand: CliCommand = {
  path: ['vm', 'watch'],
  summary: 'Watch kernel globals while the VM runs (read through QEMU, without stopping the kernel).',
  synopsis: 'EXPR... [--hz N] [--count N] [--json-lines]',
  details: [
    'EXPR       SYMBOL, SYMBOL+OFFSET or 0xADDRESS, optionally :u8|u16|u32|u64|s8|s16|s32|s64 (default u64)',
    '--hz N     readings per second (default 5, at most 50)',
    '--count N  stop after N readings (default: until Ctrl-C)',
    '--json-lines  one JSON object per reading: {t, values: [{text, address, value, hex, error}]}',
    '-w, --workspace DIR  the workspace (default: .)',
  ],
  options: { workspace: { type: 'string', short: 'w' }, hz: { type: 'string' }, count: { type: 'string' }, 'json-lines': { type: 'boolean' } },
  positionals: { min: 1, max: 32 },
  async run(inv) {
    for (const p of inv.positionals) parseWatch(p);
    const hz = Number(inv.values.hz ?? 5);
    if (!Number.isFinite(hz) || hz <= 0 || hz > 50) throw new UsageError('--hz must be a number from 0.1 to 50');
    const count = inv.values.count === undefined ? Infinity : Number(inv.values.count);
    if (!(count >= 1)) throw new UsageError('--count must be at least 1');
    const ws = workspaceOf(inv);
    const symbols = kernelSymbolsFor(ws);
    // Names the kernel does not have: said up front. With nothing left to read the command would print
    // error rows forever, so it stops; otherwise their rows say why, beside the values that do read.
    const unknown: string[] = [];
    for (const p of inv.positionals) {
      try {
        resolveWatch(parseWatch(p), symbols);
      } catch (e) {
        unknown.push(`ring0 vm watch: ${p}: ${(e as Error).message}\n`);
      }
    }
    for (const u of unknown) inv.io.err(u);
    if (unknown.length === inv.positionals.length) return 1;
    const agent = await connectAgent(ws);
    let stop = false;
    const onInt = () => (stop = true);
    process.once('SIGINT', onInt);
    try {
      for (let i = 0; i < count && !stop; i++) {
        const started = Date.now();
        const values = await readWatches(agent, inv.positionals, symbols);
        if (inv.values['json-lines']) inv.io.out(JSON.stringify({ t: started, values }) + '\n');
        else inv.io.out(values.map((v) => `${v.text} = ${v.error ? `<${v.error}>` : v.value}`).join('   ') + '\n');
        const wait = 1000 / hz - (Date.now() - started);
        if (i + 1 < count && wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    } finally {
      process.off('SIGINT', onInt);
      agent.close();
    }
    return 0;
  },
};
