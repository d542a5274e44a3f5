// Messages between the lab dashboard panel and its page; both sides import these types, and each side
// validates what it receives.
import type { TrackSummary } from '../../labs/model/status';

export type DashboardStatus = 'not-started' | 'started' | 'failing' | 'passed';

export interface DashboardObjective {
  id: string;
  text: string;
  /** Undefined before the first check. */
  passed?: boolean;
  message?: string;
}

export interface DashboardLab {
  id: string;
  title: string;
  summary: string;
  status: DashboardStatus;
  startedAt?: string;
  lastCheckAt?: string;
  passedObjectives: number;
  totalObjectives: number;
  objectives: DashboardObjective[];
  requirements: { label: string; met: boolean; detail: string }[];
  /** A command running on it, e.g. 'checking'. */
  busy?: string;
}

export interface DashboardTrack {
  track: string;
  passed: number;
  started: number;
  total: number;
  labs: DashboardLab[];
}

export type DashboardToPage = {
  type: 'state';
  /** The workspace folder's name, or null when no folder is open. */
  workspace: string | null;
  tracks: DashboardTrack[];
  /** Broken manifests. */
  errors: string[];
  /** The host's clock, for "3 min ago". */
  now: string;
};

export type DashboardAction = 'start' | 'check' | 'open' | 'reset';
export type PageToDashboard = { type: 'ready' } | { type: DashboardAction; id: string };

const ACTIONS: readonly string[] = ['start', 'check', 'open', 'reset'];
const LAB_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export function isPageToDashboard(m: unknown): m is PageToDashboard {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  if (o.type === 'ready') return true;
  return typeof o.type === 'string' && ACTIONS.includes(o.type) && typeof o.id === 'string' && LAB_ID.test(o.id);
}

const str = (v: unknown) => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const STATUSES: readonly string[] = ['not-started', 'started', 'failing', 'passed'];

function isObjective(o: unknown): o is DashboardObjective {
  if (typeof o !== 'object' || o === null) return false;
  const x = o as Record<string, unknown>;
  return str(x.id) && str(x.text) && (x.passed === undefined || typeof x.passed === 'boolean') && optStr(x.message);
}

function isLab(l: unknown): l is DashboardLab {
  if (typeof l !== 'object' || l === null) return false;
  const x = l as Record<string, unknown>;
  return str(x.id) && str(x.title) && str(x.summary) && STATUSES.includes(x.status as string) && optStr(x.startedAt) && optStr(x.lastCheckAt) && optStr(x.busy)
    && typeof x.passedObjectives === 'number' && typeof x.totalObjectives === 'number'
    && Array.isArray(x.objectives) && x.objectives.every(isObjective)
    && Array.isArray(x.requirements) && x.requirements.every((r: unknown) => typeof r === 'object' && r !== null && str((r as Record<string, unknown>).label) && typeof (r as Record<string, unknown>).met === 'boolean' && str((r as Record<string, unknown>).detail));
}

function isTrack(t: unknown): t is DashboardTrack {
  if (typeof t !== 'object' || t === null) return false;
  const x = t as Record<string, unknown>;
  return str(x.track) && typeof x.passed === 'number' && typeof x.started === 'number' && typeof x.total === 'number' && Array.isArray(x.labs) && x.labs.every(isLab);
}

export function isDashboardToPage(m: unknown): m is DashboardToPage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return o.type === 'state' && (o.workspace === null || str(o.workspace)) && Array.isArray(o.tracks) && o.tracks.every(isTrack)
    && Array.isArray(o.errors) && o.errors.every(str) && str(o.now);
}

/** The page's state message from a snapshot: plain data, nothing the page has to trust beyond its types. */
export function dashboardState(snap: { workspace: string | undefined; tracks: TrackSummary[]; errors: string[] }, busy: ReadonlyMap<string, string>, now = new Date()): DashboardToPage {
  return {
    type: 'state',
    workspace: snap.workspace ? snap.workspace.replace(/\/+$/, '').split('/').pop() ?? snap.workspace : null,
    errors: snap.errors,
    now: now.toISOString(),
    tracks: snap.tracks.map((t) => ({
      track: t.track, passed: t.passed, started: t.started, total: t.total,
      labs: t.labs.map((l) => ({
        id: l.id, title: l.title, summary: l.summary, status: l.status,
        ...(l.started ? { startedAt: l.started } : {}),
        ...(l.lastCheck ? { lastCheckAt: l.lastCheck.at } : {}),
        passedObjectives: l.passedObjectives, totalObjectives: l.totalObjectives,
        objectives: l.objectives,
        requirements: l.requirements.map(({ label, met, detail }) => ({ label, met, detail })),
        ...(busy.has(l.id) ? { busy: busy.get(l.id) } : {}),
      })),
    })),
  };
}
