// Loads the lab catalog (one folder per lab under labs/catalog): every valid manifest, plus an error per
// broken one, so a bad lab is reported and the others still load.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ManifestError, validateManifest, type LabManifest } from './manifest';

export interface CatalogLab extends LabManifest {
  /** The lab's folder in the catalog. */
  dir: string;
}

export interface Catalog {
  labs: CatalogLab[];
  errors: ManifestError[];
}

/**
 * RING0_LAB_CATALOG (a catalog being written elsewhere), else labs/catalog next to this module: compiled
 * (out/labs/model), bundled (dist/) or in the repo.
 */
export function defaultCatalogDir(): string {
  if (process.env.RING0_LAB_CATALOG) return path.resolve(process.env.RING0_LAB_CATALOG);
  for (const c of [path.join(__dirname, '..', 'catalog'), path.join(__dirname, '..', '..', '..', 'labs', 'catalog'), path.join(__dirname, '..', 'labs', 'catalog')]) {
    if (existsSync(c)) return c;
  }
  throw new Error(`cannot find labs/catalog near ${__dirname}`);
}

export function loadCatalog(dir: string = defaultCatalogDir(), knownSeeds?: ReadonlySet<string>): Catalog {
  const labs: CatalogLab[] = [];
  const errors: ManifestError[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'lab.json');
    if (!existsSync(file)) continue;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ManifestError(file, '(json)', `is not valid JSON: ${(e as Error).message}`);
      }
      const lab = validateManifest(raw, file, knownSeeds);
      if (lab.id !== name) throw new ManifestError(file, 'id', `must equal the folder name '${name}'`);
      const files: [string, string | undefined][] = [['steps', lab.steps], ['starter', lab.starter], ['checker.guest', lab.checker.guest], ['checker.host', lab.checker.host], ['checker.setup', lab.checker.setup]];
      for (const [field, f] of files) {
        if (f !== undefined && !existsSync(path.join(dir, name, f))) throw new ManifestError(file, field, `${f} does not exist in the lab folder`);
      }
      labs.push({ ...lab, dir: path.join(dir, name) });
    } catch (e) {
      errors.push(e instanceof ManifestError ? e : new ManifestError(file, '(read)', (e as Error).message));
    }
  }
  return { labs: continuationOrder(labs), errors };
}

/** Folder order, except that a lab with `after` comes right after the lab it continues (chains stay whole). */
export function continuationOrder<T extends { id: string; after?: string }>(labs: readonly T[]): T[] {
  const ids = new Set(labs.map((l) => l.id));
  const next = new Map<string, T[]>();
  for (const l of labs) if (l.after && l.after !== l.id && ids.has(l.after)) next.set(l.after, [...(next.get(l.after) ?? []), l]);
  const out: T[] = [];
  const seen = new Set<string>();
  const visit = (l: T) => {
    if (seen.has(l.id)) return;
    seen.add(l.id);
    out.push(l);
    for (const n of next.get(l.id) ?? []) visit(n);
  };
  // Roots first (labs continuing nothing known), then anything a cycle left out.
  for (const l of labs) if (!(l.after && ids.has(l.after) && l.after !== l.id)) visit(l);
  for (const l of labs) visit(l);
  return out;
}
