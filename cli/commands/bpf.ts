// CLI: `ring0 bpf progs|maps|dump|stream|update|delete` (and `verify`, in bpfVerify.ts) — BPF programs and maps in the workspace VM.
import { dumpMap, listMaps, listProgs } from '../../kernel/observe/bpf';
import { deleteMapEntry, updateMapEntry, type MapInput } from '../../kernel/observe/mapEdit';
import { streamMap } from '../../kernel/observe/stream';
import { connectAgent } from '../../kernel/vm/manager';
import { bpfVerifyCommand } from './bpfVerify';
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

/** --count N / --timeout MS: positive integers, checked before the VM is contacted. */
export function positiveInt(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (got '${String(v)}')`);
  return n;
}

export const bpfStreamCommand: CliCommand = {
  path: ['bpf', 'stream'],
  summary: 'Stream a ring-buffer or perf-event-array map\'s records, decoded with a struct from the object\'s BTF (hex otherwise).',
  synopsis: 'MAP [--json-lines] [--count N] [--struct NAME] [--timeout MS] [--hex]',
  details: [
    'MAP           id, name or pin path (ring0 bpf maps)',
    '--json-lines  one {seq, cpu?, size, type?, value?, hex?, error?} per record, then {end: true, reason, records,',
    '              delivered, agentDropped, kernelLost, malformed, truncated, elapsedMs, notes}',
    '--count N     stop after N records',
    '--struct NAME decode records as struct NAME (default: the struct of the record\'s size: the only one, else the',
    '              program\'s own (not in the kernel\'s BTF), else the one a bpf_ringbuf_reserve/output call points to;',
    '              a note says which and why)',
    '--timeout MS  stop after MS milliseconds',
    '--hex         keep the hex of decoded records too',
    'Counts go to stderr at the end in either mode; Ctrl-C stops.',
    WS_LINE,
  ],
  options: { 'json-lines': { type: 'boolean' }, count: { type: 'string' }, struct: { type: 'string' }, timeout: { type: 'string' }, hex: { type: 'boolean' }, ...WS_OPT },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const count = positiveInt(inv.values.count, '--count');
    const timeoutMs = positiveInt(inv.values.timeout, '--timeout');
    const structName = inv.values.struct as string | undefined;
    if (structName !== undefined && !/^[A-Za-z_]\w*$/.test(structName)) throw new UsageError(`--struct takes a C struct name (got '${structName}')`);
    const jsonLines = !!inv.values['json-lines'];
    return withAgent(inv, async (agent) => {
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        let announced = false;
        for await (const b of streamMap(agent, inv.positionals[0], { count, timeoutMs, structName, hex: !!inv.values.hex, signal: abort.signal })) {
          if (!announced) {
            announced = true;
            inv.io.err(`streaming map ${b.map.id} (${b.map.name}, ${b.map.type})${count ? `, ${count} records` : ''}; Ctrl-C stops\n`);
          }
          if (!jsonLines) for (const n of b.notes ?? []) inv.io.err(`note: ${n}\n`);
          for (const r of b.records) {
            if (jsonLines) inv.io.out(JSON.stringify(r) + '\n');
            else inv.io.out(`${r.seq}${r.cpu !== undefined ? ` cpu${r.cpu}` : ''} ${r.type ?? `${r.size} bytes`}: ${r.value !== undefined ? JSON.stringify(r.value) : r.hex}${r.error ? `  (${r.error})` : ''}\n`);
          }
          if (b.end) {
            const e = b.end;
            if (jsonLines) inv.io.out(JSON.stringify({ end: true, ...e, map: { id: b.map.id, name: b.map.name, type: b.map.type } }) + '\n');
            inv.io.err(`${e.records} records (${e.reason}); delivered ${e.delivered}, dropped ${e.agentDropped} (agent), lost ${e.kernelLost} (kernel), malformed ${e.malformed}\n`);
          }
        }
        return 0;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
  },
};

/** A --key/--value argument: JSON (numbers, strings, objects for structs), or raw bytes with --key-hex/--value-hex. */
export function mapInputArg(json: unknown, hex: unknown, what: 'key' | 'value'): MapInput {
  if (json !== undefined && hex !== undefined) throw new UsageError(`give --${what} or --${what}-hex, not both`);
  if (hex !== undefined) {
    const h = String(hex).replace(/^0x/i, '').replace(/[\s:]/g, '');
    if (!/^([0-9a-f]{2})+$/i.test(h)) throw new UsageError(`--${what}-hex takes hex bytes, e.g. 0a000000 (got '${String(hex)}')`);
    return { hex: h };
  }
  if (json === undefined) throw new UsageError(`missing --${what} JSON (or --${what}-hex HEX)`);
  try {
    return JSON.parse(String(json)) as unknown;
  } catch {
    // A bare word is a string (a char-array key such as a command name).
    return String(json);
  }
}

const FLAGS = ['any', 'exist', 'noexist'] as const;

export const bpfUpdateCommand: CliCommand = {
  path: ['bpf', 'update'],
  summary: 'Create or replace one map entry; key and value are JSON encoded with the map\'s BTF (or hex bytes).',
  synopsis: 'MAP (--key JSON | --key-hex HEX) (--value JSON | --value-hex HEX) [--flags any|exist|noexist] [--json]',
  details: [
    '--key JSON       e.g. 42, "bash", {"comm":"bash"} (struct fields by name; missing fields are 0)',
    '--value JSON     e.g. 7, {"count": 7}',
    '--key-hex HEX    raw bytes, e.g. 2a000000 (also --value-hex)',
    '--flags F        any (default): create or replace; noexist: only create; exist: only replace',
    '--json           {map, keyHex, valueHex}',
    WS_LINE,
  ],
  options: { key: { type: 'string' }, 'key-hex': { type: 'string' }, value: { type: 'string' }, 'value-hex': { type: 'string' }, flags: { type: 'string' }, json: { type: 'boolean' }, ...WS_OPT },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const key = mapInputArg(inv.values.key, inv.values['key-hex'], 'key');
    const value = mapInputArg(inv.values.value, inv.values['value-hex'], 'value');
    const flags = (inv.values.flags ?? 'any') as (typeof FLAGS)[number];
    if (!FLAGS.includes(flags)) throw new UsageError(`--flags must be any, exist or noexist (got '${String(inv.values.flags)}')`);
    return withAgent(inv, async (agent) => {
      const r = await updateMapEntry(agent, inv.positionals[0], key, value, { flags });
      inv.io.out(inv.values.json ? json(r) : `map ${r.map.id} (${r.map.name}): ${r.keyHex} = ${r.valueHex}\n`);
      return 0;
    });
  },
};

export const bpfDeleteCommand: CliCommand = {
  path: ['bpf', 'delete'],
  summary: 'Delete one map entry; the key is JSON encoded with the map\'s BTF (or hex bytes).',
  synopsis: 'MAP (--key JSON | --key-hex HEX) [--json]',
  details: ['--key JSON / --key-hex HEX  as for ring0 bpf update', '--json  {map, keyHex}', WS_LINE],
  options: { key: { type: 'string' }, 'key-hex': { type: 'string' }, json: { type: 'boolean' }, ...WS_OPT },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const key = mapInputArg(inv.values.key, inv.values['key-hex'], 'key');
    return withAgent(inv, async (agent) => {
      const r = await deleteMapEntry(agent, inv.positionals[0], key);
      inv.io.out(inv.values.json ? json(r) : `map ${r.map.id} (${r.map.name}): deleted ${r.keyHex}\n`);
      return 0;
    });
  },
};

export const BPF_COMMANDS: CliCommand[] = [bpfProgsCommand, bpfMapsCommand, bpfDumpCommand, bpfStreamCommand, bpfUpdateCommand, bpfDeleteCommand, bpfVerifyCommand];
