// The map table's guest access (views/model/mapAccess.ts): dumps and
// BTF-typed edits through kernel/observe (bpftool in the guest); a map that no longer resolves is
// reported as MapGoneError. Per-CPU maps take one integer or hex value, written to every CPU.
import { deleteMapEntry, updateMapEntry } from '../../kernel/observe/mapEdit';
import { dumpMap, listMaps, resolveMapRef, type ObserveAgent } from '../../kernel/observe/bpf';
import { parseEditInput } from '../../views/model/mapValue';
import { MapGoneError, type MapAccess, type MapTarget } from '../../views/model/mapAccess';

export { MapGoneError, type MapAccess, type MapTarget };

export function bpftoolMapAccess(agent: () => Promise<ObserveAgent>): MapAccess {
  return {
    async dump(ref) {
      const a = await agent();
      try {
        return await dumpMap(a, ref);
      } catch (e) {
        // Is it gone, or did something else fail? Ask for the list again.
        const maps = await listMaps(a);
        if (ref.startsWith('/') ? !maps.some((m) => m.pinned === ref) : !resolves(ref, maps)) {
          throw new MapGoneError(`map ${ref} no longer exists in the VM (unloaded, or the object was reloaded under new ids)`);
        }
        throw e;
      }
    },
    async update(map, key, value) {
      const a = await agent();
      const k = typeof key === 'string' ? parseEditInput(key, map.keySize, 'key') : key;
      if (/percpu/.test(map.type)) {
        // One value for every CPU: bpftool copies the first CPU's bytes to all of them.
        const v = parseEditInput(value, map.valueSize, 'value');
        if (!isHex(k) || !isHex(v)) throw new Error('per-CPU maps take an integer or hex bytes for the key and the value (written to every CPU)');
        const r = await a.run(['bpftool', 'map', 'update', 'id', String(map.id), 'key', 'hex', ...pairs(k.hex), 'value', 'hex', ...pairs(v.hex)], { timeoutMs: 30_000 });
        if (r.exitCode !== 0) throw new Error(`updating map ${map.id} failed: ${r.stderr.toString().trim() || `bpftool exit ${r.exitCode}`}`);
        return;
      }
      await updateMapEntry(a, String(map.id), k, parseEditInput(value, map.valueSize, 'value'));
    },
    async remove(map, keyHexText) {
      await deleteMapEntry(await agent(), String(map.id), { hex: keyHexText });
    },
  };
}

const isHex = (v: unknown): v is { hex: string } => typeof v === 'object' && v !== null && typeof (v as { hex?: unknown }).hex === 'string';
const pairs = (hex: string) => hex.match(/../g) ?? [];

function resolves(ref: string, maps: Parameters<typeof resolveMapRef>[1]): boolean {
  try {
    resolveMapRef(ref, maps);
    return true;
  } catch {
    return false;
  }
}
