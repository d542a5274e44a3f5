// Runs `ring0 build … --json` for a target, puts its diagnostics in the Problems panel and its log in
// the "Ring0 Build" output channel. The CLI runs as its own process: a crashing compiler never takes
// the extension host down.
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import type { Ring0Context } from '../context';
import { parseBuildResult, type BuildResult } from './buildResult';
import { buildArgs, type BuildTarget } from '../../kernel/build/buildTargets';
import { assertTrusted } from '../trust';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

export interface LoadOutcome {
  ok: boolean;
  /** One line for a notification. */
  summary: string;
}

export class BuildService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('ring0');
  readonly channel = vscode.window.createOutputChannel('Ring0 Build');
  private readonly outputsChanged = new vscode.EventEmitter<void>();
  /** Fires after a build or load, and on refresh: the ELF view re-reads the outputs. */
  readonly onDidChangeOutputs = this.outputsChanged.event;

  constructor(private readonly ctx: Pick<Ring0Context, 'cliPath' | 'workspaceRoot' | 'config'>) {}

  refreshOutputs(): void {
    this.outputsChanged.fire();
  }

  /** Runs the CLI with node (ELECTRON_RUN_AS_NODE for desktop VS Code) and resolves with its output. */
  runCli(args: string[], signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
    // Builds, loads and lab checks all run workspace code: none in Restricted Mode.
    assertTrusted(`ring0 ${args[0] ?? ''}`.trim());
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.ctx.cliPath, ...args], {
        cwd: this.ctx.workspaceRoot(),
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(signal ? { signal, killSignal: 'SIGINT' as const } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        this.channel.append(d);
      });
      child.on('error', (e) => (signal?.aborted ? resolve({ code: null, stdout, stderr: stderr || 'cancelled' }) : reject(e)));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async build(target: BuildTarget): Promise<BuildResult> {
    const args = [...buildArgs(target, true), ...this.vmKernelArgs()];
    this.channel.appendLine(`$ ring0 ${args.join(' ')}`);
    const r = await this.runCli(args);
    const result = parseBuildResult(r.stdout);
    this.publish(target, result);
    this.channel.appendLine(result.ok ? `built: ${result.artifacts.join(', ')}` : `build failed with ${result.diagnostics.filter((d) => d.severity === 'error').length} error(s)`);
    this.outputsChanged.fire();
    return result;
  }

  /** VS Code's resolved ring0.vm.kernel (User settings included), so a build targets the kernel the VM boots. */
  private vmKernelArgs(): string[] {
    const ws = this.ctx.workspaceRoot();
    if (!ws) return [];
    const kernel = this.ctx.config.vmSettings(ws, () => undefined).kernel;
    return kernel ? ['--vm-kernel', kernel] : [];
  }

  /** Loads a build output into the workspace VM (`ring0 load --json`); verifier rejections become diagnostics. */
  async load(target: BuildTarget, artifact: string): Promise<LoadOutcome> {
    const args = ['load', artifact, '--json', ...(this.ctx.workspaceRoot() ? ['--workspace', this.ctx.workspaceRoot() as string] : [])];
    this.channel.appendLine(`$ ring0 ${args.join(' ')}`);
    const r = await this.runCli(args);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      return { ok: false, summary: `ring0 load printed no JSON: ${(r.stderr || r.stdout).trim().slice(0, 300)}` };
    }
    const name = typeof raw.name === 'string' ? raw.name : artifact;
    const error = typeof raw.error === 'string' ? raw.error : undefined;
    if (Array.isArray(raw.diagnostics)) {
      this.publish(target, parseBuildResult(JSON.stringify({ ok: raw.ok === true, artifacts: [], diagnostics: raw.diagnostics })));
    }
    this.outputsChanged.fire();
    if (raw.ok !== true) {
      this.channel.appendLine(`load failed: ${error ?? 'unknown error'}`);
      return { ok: false, summary: `loading ${name} failed: ${error ?? 'see the Ring0 Build output'}` };
    }
    const what = raw.kind === 'module' ? `${raw.reloaded === true ? 'reloaded' : 'loaded'} module ${name}` : `loaded ${name}: ${Array.isArray(raw.programs) ? raw.programs.length : 0} program(s), ${Array.isArray(raw.maps) ? raw.maps.length : 0} map(s)`;
    this.channel.appendLine(what);
    return { ok: true, summary: what };
  }

  /** Replaces the diagnostics of the target's files with this build's. */
  publish(target: BuildTarget, result: BuildResult): void {
    const prefix = target.kind === 'module' ? target.dir : target.file;
    this.diagnostics.forEach((uri) => {
      if (uri.fsPath.startsWith(prefix)) this.diagnostics.delete(uri);
    });
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of result.diagnostics) {
      const line = Math.max(0, d.line - 1);
      const col = Math.max(0, d.column - 1);
      const diag = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), d.message, SEVERITY[d.severity]);
      diag.source = 'ring0';
      const list = byFile.get(d.file) ?? [];
      list.push(diag);
      byFile.set(d.file, list);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    this.outputsChanged.dispose();
    this.diagnostics.dispose();
    this.channel.dispose();
  }
}
