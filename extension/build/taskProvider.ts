// The `ring0` task type: one build task per module directory and BPF source in the workspace, with a
// gcc-style problem matcher so compiler errors land in the Problems panel.
import * as vscode from 'vscode';
import type { Ring0Context } from '../context';
import { buildArgs, findBuildTargets, targetLabel, type BuildTarget } from '../../kernel/build/buildTargets';

export const TASK_TYPE = 'ring0';

interface Ring0TaskDefinition extends vscode.TaskDefinition {
  target: 'module' | 'bpf';
  path: string;
}

export class Ring0TaskProvider implements vscode.TaskProvider {
  constructor(private readonly ctx: Ring0Context) {}

  provideTasks(): vscode.Task[] {
    const root = this.ctx.workspaceRoot();
    if (!root || !vscode.workspace.isTrusted) return [];
    return findBuildTargets(root).map((t) => this.task(t, root));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as Ring0TaskDefinition;
    const root = this.ctx.workspaceRoot();
    if (!root || !vscode.workspace.isTrusted || (def.target !== 'module' && def.target !== 'bpf') || typeof def.path !== 'string') return undefined;
    const target: BuildTarget = def.target === 'module' ? { kind: 'module', dir: def.path } : { kind: 'bpf', file: def.path };
    return this.task(target, root, def);
  }

  private task(t: BuildTarget, root: string, def?: Ring0TaskDefinition): vscode.Task {
    const definition: Ring0TaskDefinition = def ?? { type: TASK_TYPE, target: t.kind, path: t.kind === 'module' ? t.dir : t.file };
    const exec = new vscode.ProcessExecution(process.execPath, [this.ctx.cliPath, ...buildArgs(t, false)], { cwd: root, env: { ELECTRON_RUN_AS_NODE: '1' } });
    const task = new vscode.Task(definition, vscode.TaskScope.Workspace, targetLabel(t, root), 'ring0', exec, ['$ring0-gcc']);
    task.group = vscode.TaskGroup.Build;
    return task;
  }
}
