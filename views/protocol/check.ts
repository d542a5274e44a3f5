// Small validators the webview protocols share: every message crossing the webview boundary is
// checked field by field on the receiving side.
export type Rec = Record<string, unknown>;

export const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
export const isStr = (v: unknown, maxLen = 100_000): v is string => typeof v === 'string' && v.length <= maxLen;
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isHex = (v: unknown, maxBytes = 65_536): v is string => typeof v === 'string' && v.length <= maxBytes * 2 && /^([0-9a-f]{2})*$/.test(v);
export const isArr = <T>(v: unknown, each: (x: unknown) => x is T, max = 1_000_000): v is T[] => Array.isArray(v) && v.length <= max && v.every(each);
