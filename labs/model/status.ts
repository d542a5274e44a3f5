// One summary of the catalog and a workspace's progress, shared by the CLI, the Labs view and the
// dashboard: each lab's status and last result, and per-track counts.
import type { CatalogLab } from './catalog';
import type { LabCheck, Progress } from './progress';
import type { RequirementStatus } from './requirements';

export type LabStatus = 'not-started' | 'started' | 'failing' | 'passed';

export interface LabSummary {
  id: string;
  title: string;
  track: string;
  seed: string;
  summary: string;
  status: LabStatus;
  started?: string;
  /** Objectives passing in the last check (0 before any). */
  passedObjectives: number;
  totalObjectives: number;
  /** Every objective with its last result (undefined before the first check). */
  objectives: { id: string; text: string; passed?: boolean; message?: string }[];
  lastCheck?: Pick<LabCheck, 'at' | 'passed'>;
  requirements: RequirementStatus[];
}

export interface TrackSummary {
  track: string;
  labs: LabSummary[];
  passed: number;
  started: number;
  total: number;
}

export function labStatus(p: Progress[string] | undefined): LabStatus {
  if (p?.lastCheck) return p.lastCheck.passed ? 'passed' : 'failing';
  return p?.started ? 'started' : 'not-started';
}

export function summarizeLab(lab: CatalogLab, progress: Progress, requirements: RequirementStatus[] = []): LabSummary {
  const p = progress[lab.id];
  const results = new Map(p?.lastCheck?.objectives.map((o) => [o.id, o]) ?? []);
  const objectives = lab.objectives.map((o) => {
    const r = results.get(o.id);
    return r ? { id: o.id, text: o.text, passed: r.passed, message: r.message } : { id: o.id, text: o.text };
  });
  return {
    id: lab.id, title: lab.title, track: lab.track, seed: lab.seed, summary: lab.summary,
    status: labStatus(p),
    ...(p?.started ? { started: p.started } : {}),
    passedObjectives: objectives.filter((o) => o.passed).length,
    totalObjectives: objectives.length,
    objectives,
    ...(p?.lastCheck ? { lastCheck: { at: p.lastCheck.at, passed: p.lastCheck.passed } } : {}),
    requirements,
  };
}

/** The curriculum's order; a track not listed comes after these, in catalog order. */
export const TRACK_ORDER = ['kernel modules', 'ebpf', 'io_uring', 'containers', 'device drivers', 'user space', 'your own kernel'];

function trackRank(track: string): number {
  const i = TRACK_ORDER.findIndex((t) => track.toLowerCase().includes(t));
  return i < 0 ? TRACK_ORDER.length : i;
}

/** Tracks in curriculum order (TRACK_ORDER, then catalog order), labs in catalog order within a track. */
export function summarizeTracks(labs: readonly CatalogLab[], progress: Progress, requirementsOf: (lab: CatalogLab) => RequirementStatus[] = () => []): TrackSummary[] {
  const tracks = new Map<string, LabSummary[]>();
  for (const l of labs) {
    const list = tracks.get(l.track) ?? [];
    list.push(summarizeLab(l, progress, requirementsOf(l)));
    tracks.set(l.track, list);
  }
  return [...tracks].sort(([a], [b]) => trackRank(a) - trackRank(b)).map(([track, list]) => ({
    track,
    labs: list,
    passed: list.filter((l) => l.status === 'passed').length,
    started: list.filter((l) => l.status !== 'not-started').length,
    total: list.length,
  }));
}
