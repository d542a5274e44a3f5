// Messages between the Doctor panel and its page; both sides import these types, and each side
// validates what it receives.
export interface DoctorRow {
  name: string;
  ok: boolean;
  required: boolean;
  version?: string;
  path?: string;
  install: string;
  purpose: string;
}

export type DoctorToPage =
  | { type: 'loading' }
  | { type: 'result'; version: string; rows: DoctorRow[] }
  | { type: 'error'; message: string };

export type PageToDoctor = { type: 'ready' } | { type: 'refresh' } | { type: 'runSetup' };

export function isPageToDoctor(m: unknown): m is PageToDoctor {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'refresh' || t === 'runSetup';
}

export function isDoctorToPage(m: unknown): m is DoctorToPage {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'loading':
      return true;
    case 'error':
      return typeof msg.message === 'string';
    case 'result':
      return typeof msg.version === 'string' && Array.isArray(msg.rows) && msg.rows.every(isRow);
    default:
      return false;
  }
}

function isRow(r: unknown): r is DoctorRow {
  if (typeof r !== 'object' || r === null) return false;
  const row = r as Record<string, unknown>;
  return typeof row.name === 'string' && typeof row.ok === 'boolean' && typeof row.required === 'boolean'
    && typeof row.install === 'string' && typeof row.purpose === 'string';
}
