// Turns what a user types for a map key or value into the exact bytes bpftool takes (pure):
// a decimal or 0x integer is encoded little-endian in the field's size; otherwise hex bytes.

export class MapInputError extends Error {
  override readonly name = 'MapInputError';
}

/** "42" / "-1" / "0x2a" → little-endian hex of `size` bytes; "2a 00 00 00" / "2a000000" → as given. */
export function encodeMapInput(input: string, size: number, what = 'value'): string {
  const t = input.trim();
  if (size <= 0) throw new MapInputError(`this map has no ${what} bytes`);
  const hexForm = /^hex:/i.test(t) || /^[0-9a-f]{2}(\s+[0-9a-f]{2})+$/i.test(t) || (/^[0-9a-f]+$/i.test(t) && !/^\d+$/.test(t) && t.length === size * 2);
  if (hexForm) {
    const bytesHex = t.replace(/^hex:/i, '').replace(/\s+/g, '');
    if (!/^([0-9a-f]{2})+$/i.test(bytesHex)) throw new MapInputError(`'${input}' is not whole hex bytes`);
    if (bytesHex.length !== size * 2) throw new MapInputError(`the ${what} needs exactly ${size} bytes (${size * 2} hex digits), got ${bytesHex.length / 2}`);
    return bytesHex.toLowerCase();
  }
  let n: bigint;
  if (/^-?\d+$/.test(t)) n = BigInt(t);
  else if (/^0x[0-9a-f]+$/i.test(t)) n = BigInt(t);
  else throw new MapInputError(`'${input}' is neither an integer (42, -1, 0x2a) nor ${size} hex bytes (e.g. ${'00 '.repeat(Math.min(size, 4)).trim()}${size > 4 ? ' …' : ''})`);
  const bits = BigInt(size * 8);
  const max = (1n << bits) - 1n;
  if (n < 0n) {
    if (n < -(1n << (bits - 1n))) throw new MapInputError(`${t} does not fit in ${size} byte(s)`);
    n = (1n << bits) + n;
  }
  if (n > max) throw new MapInputError(`${t} does not fit in ${size} byte(s)`);
  let hex = '';
  for (let i = 0; i < size; i++) {
    hex += Number((n >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0');
  }
  return hex;
}

/** "2a000000" → ["0x2a","0x00","0x00","0x00"] style bpftool arguments ("2a", "00", ...). */
export function hexArgs(hex: string): string[] {
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new MapInputError(`'${hex}' is not whole hex bytes`);
  return hex.match(/../g) ?? [];
}

/**
 * What the user typed for a key or value, as kernel/observe's map edit takes it: an integer or hex bytes
 * that fit the field become {hex}; other JSON (structs, strings, arrays) goes through the map's BTF.
 */
export function parseEditInput(input: string, size: number, what = 'value'): { hex: string } | unknown {
  const t = input.trim();
  if (!t) throw new MapInputError(`the ${what} is empty`);
  try {
    return { hex: encodeMapInput(t, size, what) };
  } catch (e) {
    if (/^-?(\d+|0x[0-9a-f]+)$/i.test(t)) throw e;
  }
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw new MapInputError(`'${input}' is not an integer, ${size} hex bytes, or JSON for the map's type (e.g. {"comm": "bash"})`);
  }
}
