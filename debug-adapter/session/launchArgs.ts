// Pure checks of launch attributes the adapter takes in more than one form.

export type HardwareBreakpointsArg = boolean | { enabled?: boolean; limit?: number };

/** The hardwareBreakpoints attribute as the engine takes it, or what is wrong with it. */
export function hardwareOption(v: HardwareBreakpointsArg | undefined): { enabled: boolean; limit?: number } | string {
  if (v === undefined || typeof v === 'boolean') return { enabled: !!v };
  if (typeof v !== 'object' || v === null) return '"hardwareBreakpoints" must be true, false or { "enabled": true, "limit": 4 }';
  const limit = v.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0 && limit <= 64)) {
    return `"hardwareBreakpoints.limit" must be a whole number of debug registers (x86 has 4), not ${JSON.stringify(limit)}`;
  }
  return { enabled: v.enabled !== false, ...(limit !== undefined ? { limit } : {}) };
}
