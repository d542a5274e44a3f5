// The lab catalog as rows for a face (CLI --json, agent tools): progress in the workspace and what this
// machine lacks; and finding one lab by id with an error that says where to look.
import type { CatalogLab } from '../model/catalog';
import { loadCatalog } from '../model/catalog';
import { labFolder, readProgress } from '../model/progress';
import { evaluateRequirements, hostFacts } from '../model/requirements';
import { summarizeTracks } from '../model/status';

export class UnknownLabError extends Error {}

export function catalogLabs(warn: (m: string) => void = () => undefined): CatalogLab[] {
  const { labs, errors } = loadCatalog();
  for (const e of errors) warn(e.message);
  return labs;
}

export function findCatalogLab(id: string, warn?: (m: string) => void): CatalogLab {
  const lab = catalogLabs(warn).find((l) => l.id === id);
  if (!lab) throw new UnknownLabError(`no lab '${id}'; 'ring0 lab list' shows them`);
  return lab;
}

export function labRows(workspace: string, warn?: (m: string) => void) {
  const labs = catalogLabs(warn);
  const progress = readProgress(workspace);
  const facts = hostFacts(labs.some((l) => (l.requirements.qemuDevices ?? []).length > 0));
  const tracks = summarizeTracks(labs, progress, (l) => evaluateRequirements(l.requirements, facts));
  const rows = tracks.flatMap((t) => t.labs).map((s) => {
    const lab = labs.find((l) => l.id === s.id) as CatalogLab;
    return {
      id: s.id, title: s.title, track: s.track, seed: s.seed, summary: s.summary,
      requirements: lab.requirements,
      unmet: s.requirements.filter((r) => !r.met).map(({ key, label, detail }) => ({ key, label, detail })),
      objectives: s.totalObjectives, status: s.status,
      started: s.status !== 'not-started', passed: s.status === 'passed',
      ...(s.lastCheck ? { lastCheckAt: s.lastCheck.at, passedObjectives: s.passedObjectives } : {}),
      dir: labFolder(workspace, s.id, progress),
    };
  });
  return { tracks, rows };
}
