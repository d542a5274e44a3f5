// CLI: `ring0 bpf progs|maps|dump` — BPF programs and maps in the workspace VM (bpftool in the guest).
import { dumpMap, listMaps, listProgs } from '../../observe/bpf';
import { connectAgent } from '../../vm/manager';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { workspaceOf } from './vm';

const WS_OPT = { workspace: { type: 'string', short: 'w' } } as const;
const WS_LINE = '-w, --workspace DIR the workspace whose VM to use (default: .)';

async function withAgent<T>(inv: Invocation, body: (agent: Awaited<ReturnType<typeof connectAgent>>) => Promise<T>): Promise<T> {
  const agent = await connectAgent(workspaceOf(inv));
  try {
    return await body(agent);
  } finally {
    agent.close();
  }
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

export const bpfProgsCommand: CliCommand = {
  path: ['bpf', 'progs'],
  summary: 'List the BPF programs in the workspace VM (type, attach links, the Ring0 object, run stats).',
  synopsis: '[--json] [--stats [--stats-ms MS]]',
  details: [
    '--json         [{id, type, name, tag, runCnt?, runTimeNs?, mapIds, btfId?, links:[{id, type, progId, details}], object?, pinned?}]',
    '--stats        enable kernel BPF stats for the call (restored after) so runCnt/runTimeNs are counted',
    '--stats-ms MS  how long stats stay on before sampling (default 1000)',
    WS_LINE,
  ],
  options: { json: { type: 'boolean' }, stats: { type: 'boolean' }, 'stats-ms': { type: 'string' }, ...WS_OPT },
  run: (inv) => withAgent(inv, async (agent) => {
    const ms = inv.values['stats-ms'] !== undefined ? Number(inv.values['stats-ms']) : 1000;
    if (!Number.isFinite(ms) || ms < 0) throw new UsageError('--stats-ms must be a number of milliseconds');
    const progs = await listProgs(agent, inv.values.stats ? { statsMs: ms } : {});
    if (inv.values.json) inv.io.out(json(progs));
    else {
      for (const p of progs) {
        const stats = p.runCnt !== undefined ? `  runs ${p.runCnt}, ${p.runTimeNs ?? 0} ns` : '';
        const links = p.links.map((l) => `${l.type} link ${l.id}`).join(', ');
        inv.io.out(`${String(p.id).padStart(5)}  ${p.type.padEnd(14)} ${p.name || '-'}${p.object ? ` [${p.object}]` : ''}${links ? `  (${links})` : ''}${stats}\n`);
      }
    }
    return 0;
  }),
};

export const bpfMapsCommand: CliCommand = {
  path: ['bpf', 'maps'],
  summary: 'List the BPF maps in the workspace VM with sizes and the Ring0-loaded object each belongs to.',
  synopsis: '[--json]',
  details: ['--json  [{id, type, name, keySize, valueSize, maxEntries, flags, btfId?, object?, pinned?}]', WS_LINE],
  options: { json: { type: 'boolean' }, ...WS_OPT },
  run: (inv) => withAgent(inv, async (agent) => {
    const maps = await listMaps(agent);
    if (inv.values.json) inv.io.out(json(maps));
    else for (const m of maps) inv.io.out(`${String(m.id).padStart(5)}  ${m.type.padEnd(14)} ${m.name || '-'}  key ${m.keySize} value ${m.valueSize} max ${m.maxEntries}${m.object ? ` [${m.object}]` : ''}\n`);
    return 0;
  }),
};

export const bpfDumpCommand: CliCommand = {
  path: ['bpf', 'dump'],
  summary: 'Dump a BPF map (by id, name or pin path), decoding keys and values with BTF when the map has it.',
  synopsis: 'MAP [--json]',
  details: [
    '--json  {map:{id, type, name, ...}, btf, entries:[{key, value, keyHex, valueHex}], errors}',
    '        without BTF key/value are hex; per-CPU maps have value and valueHex as arrays (index = CPU)',
    WS_LINE,
  ],
  options: { json: { type: 'boolean' }, ...WS_OPT },
  positionals: { min: 1, max: 1 },
  run: (inv) => withAgent(inv, async (agent) => {
    const d = await dumpMap(agent, inv.positionals[0]);
    if (inv.values.json) inv.io.out(json(d));
    else {
      inv.io.out(`map ${d.map.id} ${d.map.name} (${d.map.type}), ${d.entries.length} entries\n`);
      for (const e of d.entries) inv.io.out(`  ${JSON.stringify(e.key)}: ${JSON.stringify(e.value)}\n`);
      for (const err of d.errors) inv.io.err(`warning: ${err}\n`);
    }
    return 0;
  }),
};

export const BPF_COMMANDS: CliCommand[] = [bpfProgsCommand, bpfMapsCommand, bpfDumpCommand];
