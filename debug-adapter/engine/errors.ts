// The message of anything thrown, for DAP error responses and console lines.
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
