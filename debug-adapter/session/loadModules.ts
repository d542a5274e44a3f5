// F5's build-and-load step: builds each module directory the launch configuration names against the
// VM kernel (or takes the .ko files VS Code's build service made) and inserts them into the running VM
// (reloading them), so breakpoints in them bind.
import path from 'node:path';
import { loadModule } from '../../kernel/build/load';
import { buildModule } from '../../kernel/build/module';
import { vmKernelFor } from '../../kernel/build/vmKernel';
import { connectAgent } from '../../kernel/vm/manager';

export interface ModuleLoadReport {
  dir: string;
  ok: boolean;
  message: string;
}

/** Inserts .ko files a client already built (the extension's build service, whose errors went to Problems). */
export async function loadBuiltModules(workspace: string, kos: string[], say: (line: string) => void): Promise<ModuleLoadReport[]> {
  try {
    return await insert(workspace, kos, '.', say);
  } catch (e) {
    return [{ dir: '.', ok: false, message: (e as Error).message }];
  }
}

async function insert(workspace: string, kos: string[], rel: string, say: (line: string) => void): Promise<ModuleLoadReport[]> {
  const reports: ModuleLoadReport[] = [];
  const agent = await connectAgent(workspace);
  try {
    for (const ko of kos) {
      say(`Loading ${path.relative(workspace, ko)}`);
      const r = await loadModule(agent, ko);
      reports.push({ dir: path.relative(workspace, path.dirname(ko)) || rel, ok: r.ok, message: r.ok ? `loaded ${r.name}${r.reloaded ? ' (reloaded)' : ''}` : r.error ?? 'insmod failed' });
    }
  } finally {
    agent.close();
  }
  return reports;
}

export async function buildAndLoadModules(workspace: string, dirs: string[], say: (line: string) => void): Promise<ModuleLoadReport[]> {
  const reports: ModuleLoadReport[] = [];
  const kernel = vmKernelFor(workspace, say);
  for (const rel of dirs) {
    const dir = path.resolve(workspace, rel);
    try {
      say(`Building ${rel}`);
      const b = await buildModule({ dir, kernelTree: kernel.buildDir });
      if (!b.ok) {
        const first = b.diagnostics.find((d) => d.severity === 'error');
        reports.push({ dir: rel, ok: false, message: first ? `${path.relative(workspace, first.file)}:${first.line}: ${first.message}` : `the build failed:\n${b.log.slice(-2000)}` });
        continue;
      }
      reports.push(...(await insert(workspace, b.artifacts.filter((a) => a.endsWith('.ko')), rel, say)));
    } catch (e) {
      reports.push({ dir: rel, ok: false, message: (e as Error).message });
    }
  }
  return reports;
}
