// Resolves kernel modules and their dependencies from modules.dep, in the order insmod must load them.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type ModulesDep = Map<string, { file: string; deps: string[] }>;

/** Module name as the kernel knows it: file basename without .ko*, dashes as underscores. */
export function moduleName(file: string): string {
  return path.basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

export function parseModulesDep(text: string): ModulesDep {
  const map: ModulesDep = new Map();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon).trim();
    const deps = line.slice(colon + 1).trim().split(/\s+/).filter(Boolean);
    map.set(moduleName(file), { file, deps });
  }
  return map;
}

/**
 * Files to insmod, dependencies first, each once. Names not in modules.dep are skipped when
 * `optional` holds them (built into this kernel, or absent), otherwise they are an error.
 */
export function loadOrder(dep: ModulesDep, wanted: readonly string[], optional: ReadonlySet<string> = new Set()): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    const name = moduleName(file);
    if (seen.has(name)) return;
    if (chain.includes(name)) throw new Error(`modules.dep has a cycle: ${[...chain, name].join(' -> ')}`);
    const entry = dep.get(name);
    // modules.dep lists a module's dependencies nearest-first; load the far end first.
    for (const d of [...(entry?.deps ?? [])].reverse()) visit(d, [...chain, name]);
    seen.add(name);
    order.push(entry?.file ?? file);
  };
  for (const w of wanted) {
    const name = moduleName(w);
    if (!dep.has(name)) {
      if (optional.has(name)) continue;
      throw new Error(`kernel module ${name} is not in modules.dep (is it built into this kernel, or is the modules directory incomplete?)`);
    }
    visit(dep.get(name)!.file, []);
  }
  return order;
}

export function readModulesDep(modulesDir: string): ModulesDep {
  return parseModulesDep(readFileSync(path.join(modulesDir, 'modules.dep'), 'utf8'));
}

/** Whether the kernel has a feature built in (modules.builtin lists kernel/…/name.ko). */
export function builtinModules(modulesDir: string): Set<string> {
  try {
    return new Set(readFileSync(path.join(modulesDir, 'modules.builtin'), 'utf8').split('\n').filter(Boolean).map(moduleName));
  } catch {
    return new Set();
  }
}
