// One lab check end to end, shared by `ring0 lab check`, `lab check --all` and the agent tools: reads
// the checker scripts from the catalog, runs them against a LabVm (or the host only), and turns any
// failure before a result into a LabCheck whose every objective fails with that message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CatalogLab } from '../model/catalog';
import { checkLab, type CheckerScripts } from '../model/check';
import { isInside } from '../model/confine';
import type { LabCheck } from '../model/progress';
import { buildModule } from '../../kernel/build/module';
import { buildBpf } from '../../kernel/bpf/build';
import { loadBpf } from '../../kernel/build/bpfLoad';
import { run } from '../../kernel/util/run';
import type { LabVm } from './labVm';

export function checkerScripts(lab: CatalogLab): CheckerScripts {
  const read = (f: string | undefined) => (f === undefined ? undefined : readFileSync(path.join(lab.dir, f), 'utf8'));
  return { guest: read(lab.checker.guest), host: read(lab.checker.host), setup: read(lab.checker.setup) };
}

/** A lab checked only on the host (a bare-metal kernel in its own QEMU) needs no VM. */
export function needsVm(lab: CatalogLab): boolean {
  return lab.checker.guest !== undefined || lab.checker.setup !== undefined || lab.checker.build === 'bpf';
}

/** The JSON contract for a check that could not run: every objective fails with `message`. */
export function failedCheck(lab: Pick<CatalogLab, 'objectives'>, message: string): LabCheck {
  return { at: new Date().toISOString(), passed: false, objectives: lab.objectives.map((o) => ({ id: o.id, text: o.text, passed: false, message })) };
}

/** Why `dir` cannot be checked in the VM (it must be inside the workspace the VM shares), or undefined. */
export function dirProblem(workspace: string, lab: CatalogLab, dir: string): string | undefined {
  if (needsVm(lab) && !isInside(workspace, dir)) return `${dir} is outside the workspace ${workspace}, which is what the VM shares; put the lab inside it or pass --workspace`;
  return undefined;
}

/** Runs the checker of `lab` on `dir`; `vm` is required when needsVm(lab). */
export async function runLabCheck(lab: CatalogLab, dir: string, vm: LabVm | undefined): Promise<LabCheck> {
  const agent = vm?.agent;
  const noVm = () => Promise.reject(new Error('this lab is checked on the host only'));
  return checkLab(lab, dir, checkerScripts(lab), {
    buildModule: (d) => buildModule({ dir: d }),
    buildBpf: (file) => buildBpf({ file }),
    loadBpf: (object, name, o) => (agent ? loadBpf(agent, { object, name, ...o }) : noVm()),
    run: (argv, o) => (agent ? agent.run(argv, o) : noVm()),
    runHost: async (argv, o) => {
      const r = await run(argv[0], argv.slice(1), { cwd: o.cwd, timeoutMs: o.timeoutMs, input: o.stdin, processGroup: true });
      return { exitCode: r.spawnError ? 127 : r.code, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.spawnError ?? r.stderr), timedOut: r.timedOut };
    },
    vmDevices: vm ? vm.devices : undefined,
  });
}
