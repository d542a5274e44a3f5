// What a map table panel needs from the guest — dump, update, delete — behind one small interface the
// extension implements; a map that no longer resolves is reported as MapGoneError.
import type { DumpResult } from '../../kernel/observe/bpf';

export class MapGoneError extends Error {
  override readonly name = 'MapGoneError';
}

export interface MapTarget {
  id: number;
  type: string;
  keySize: number;
  valueSize: number;
}

export interface MapAccess {
  /** Entries of the map `ref` (id or pin path) with its current info; MapGoneError once it is gone. */
  dump(ref: string): Promise<DumpResult>;
  /**
   * Creates or replaces one entry. `key`/`value` are what the user typed: JSON for the map's BTF types
   * (42, {"comm": "bash"}), an integer, or hex bytes; a key may also be the row's raw hex.
   */
  update(map: MapTarget, key: string | { hex: string }, value: string): Promise<void>;
  remove(map: MapTarget, keyHex: string): Promise<void>;
}
