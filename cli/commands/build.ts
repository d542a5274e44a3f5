// CLI: `ring0 build module|bpf` (diagnostics on the user's lines, --json for the extension) and
// `ring0 new module|bpf` (starter sources that build as they are).
import path from 'node:path';
import { buildBpf } from '../../kernel/bpf/build';
import { formatDiagnostic, type BuildResult } from '../../kernel/build/diagnostics';
import { buildModule } from '../../kernel/build/module';
import { writeWorkspaceCompileCommands } from '../../kernel/build/kbuildFlags';
import { newBpf, newModule } from '../../kernel/build/scaffold';
import { vmKernelFor } from '../../kernel/build/vmKernel';
import { connectAgent } from '../../kernel/vm/manager';
import { vmSettingsFrom } from '../../kernel/vm/settings';
import { bpfSourceProblem } from '../argChecks';
import { UsageError, type CliCommand, type CliIO, type Invocation } from '../command';
import { ELF_COMMANDS } from './elf';
import { LOAD_COMMANDS } from './load';
import { workspaceOf } from './vm';

/** Prints a build result (JSON contract or human text) and returns the exit code. */
function report(io: CliIO, json: boolean, r: BuildResult, log?: string): number {
  if (json) {
    io.out(JSON.stringify({ ok: r.ok, artifacts: r.artifacts, diagnostics: r.diagnostics }, null, 2) + '\n');
  } else {
    for (const d of r.diagnostics) io.err(formatDiagnostic(d) + '\n');
    if (r.ok) io.out(`built: ${r.artifacts.join(', ') || '(nothing)'}\n`);
    else io.err(`build failed${r.diagnostics.length ? '' : `:\n${log ?? ''}`}\n`);
  }
  return r.ok ? 0 : 1;
}

function warn(inv: Invocation): (m: string) => void {
  return (m) => inv.io.err(`warning: ${m}\n`);
}

/** In --json mode a setup problem is still the contract: one error diagnostic on the target. */
async function guarded(inv: Invocation, target: string, body: () => Promise<number>): Promise<number> {
  if (!inv.values.json) return body();
  try {
    return await body();
  } catch (e) {
    return report(inv.io, true, { ok: false, artifacts: [], diagnostics: [{ file: target, line: 1, column: 1, severity: 'error', message: (e as Error).message }] });
  }
}

/** --vm-kernel, resolved like a settings value (relative to the workspace); undefined reads settings.json. */
function vmKernelSetting(inv: Invocation): string | undefined {
  const k = inv.values['vm-kernel'] as string | undefined;
  if (k === undefined) return undefined;
  return vmSettingsFrom(workspaceOf(inv), { 'ring0.vm.kernel': k }, warn(inv)).kernel;
}

export const buildModuleCommand: CliCommand = {
  path: ['build', 'module'],
  summary: 'Build a kernel module directory with Kbuild against the VM kernel\'s headers.',
  synopsis: '[DIR] [--json] [--kernel-tree DIR]',
  details: [
    'DIR                 the module directory holding a Makefile/Kbuild with obj-m (default: .)',
    '--json              print {ok, artifacts, diagnostics: [{file, line, column, severity, message}]}',
    '--kernel-tree DIR   build against this kernel tree instead of the VM kernel\'s (/lib/modules/RELEASE/build)',
    '-w, --workspace DIR the workspace whose VM kernel (ring0.vm.kernel) to build for (default: .)',
    '--vm-kernel K       the ring0.vm.kernel value to build for instead of the workspace settings\' (the editor passes its resolved one)',
    '--verbose           print make\'s whole output',
    'Also writes DIR/compile_commands.json for clangd.',
  ],
  options: { json: { type: 'boolean' }, 'kernel-tree': { type: 'string' }, verbose: { type: 'boolean' }, workspace: { type: 'string', short: 'w' }, 'vm-kernel': { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run(inv) {
    const dir = path.resolve(inv.io.cwd, inv.positionals[0] ?? '.');
    const tree = inv.values['kernel-tree'] as string | undefined;
    return guarded(inv, dir, async () => {
      const kernelTree = tree ? path.resolve(inv.io.cwd, tree) : vmKernelFor(workspaceOf(inv), warn(inv), vmKernelSetting(inv)).buildDir;
      const r = await buildModule({ dir, kernelTree });
      if (inv.values.verbose && !inv.values.json) inv.io.err(r.log);
      return report(inv.io, !!inv.values.json, r, r.log);
    });
  },
};

export const buildBpfCommand: CliCommand = {
  path: ['build', 'bpf'],
  summary: 'Compile a BPF program (X.bpf.c → X.bpf.o) with clang against the VM kernel\'s vmlinux.h.',
  synopsis: 'FILE.bpf.c [--json]',
  details: [
    '--json         print {ok, artifacts, diagnostics: [{file, line, column, severity, message}]}',
    '-w, --workspace DIR  the workspace whose VM kernel to build for; its running VM supplies BTF when no debug vmlinux is installed',
    '--vm-kernel K        the ring0.vm.kernel value to build for instead of the workspace settings\'',
  ],
  options: { json: { type: 'boolean' }, workspace: { type: 'string', short: 'w' }, 'vm-kernel': { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const file = path.resolve(inv.io.cwd, inv.positionals[0]);
    const notFile = bpfSourceProblem(file);
    if (notFile) throw new UsageError(notFile);
    return guarded(inv, file, async () => {
      const r = await buildBpf({ file, kernel: vmKernelFor(workspaceOf(inv), warn(inv), vmKernelSetting(inv)), connect: () => connectAgent(workspaceOf(inv)) });
      return report(inv.io, !!inv.values.json, r, r.log);
    });
  },
};

export const newModuleCommand: CliCommand = {
  path: ['new', 'module'],
  summary: 'Create DIR/NAME/{Makefile, NAME.c}: a hello-world module that builds as is.',
  synopsis: 'NAME [--dir DIR]',
  details: ['--dir DIR  where to create the NAME folder (default: .)'],
  options: { dir: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const files = newModule(inv.positionals[0], path.resolve(inv.io.cwd, (inv.values.dir as string | undefined) ?? '.'));
    inv.io.out(`created ${files.join(', ')}\nbuild it with: ring0 build module ${path.dirname(files[0])}\n`);
    return 0;
  },
};

export const newBpfCommand: CliCommand = {
  path: ['new', 'bpf'],
  summary: 'Create NAME.bpf.c: a CO-RE tracepoint program counting openat() calls into a hash map.',
  synopsis: 'NAME [--dir DIR]',
  details: ['--dir DIR  where to create NAME.bpf.c (default: .)'],
  options: { dir: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(inv) {
    const file = newBpf(inv.positionals[0], path.resolve(inv.io.cwd, (inv.values.dir as string | undefined) ?? '.'));
    inv.io.out(`created ${file}\nbuild it with: ring0 build bpf ${file}\n`);
    return 0;
  },
};

export const compileCommandsCommand: CliCommand = {
  path: ['build', 'compile-commands'],
  summary: 'Write compile_commands.json in every module directory of the workspace, for clangd, without building.',
  synopsis: '[--json] [--kernel-tree DIR] [-w DIR]',
  details: [
    'Takes Kbuild\'s flags for the VM kernel once (a tiny probe module\'s compile, cached per kernel in',
    '~/.cache/ring0/kbuild-flags) and writes one entry per .c file; entries of an earlier build are kept.',
    '--json              print {ok, written: [{dir, file, entries}], error?}',
    '--kernel-tree DIR   use this kernel tree instead of the VM kernel\'s',
    '-w, --workspace DIR the workspace to scan and whose VM kernel to use (default: .)',
  ],
  options: { json: { type: 'boolean' }, 'kernel-tree': { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 0, max: 0 },
  async run(inv) {
    const ws = workspaceOf(inv);
    const tree = inv.values['kernel-tree'] as string | undefined;
    try {
      const kernelTree = tree ? path.resolve(inv.io.cwd, tree) : vmKernelFor(ws, warn(inv)).buildDir;
      const written = await writeWorkspaceCompileCommands(ws, kernelTree);
      if (inv.values.json) inv.io.out(JSON.stringify({ ok: true, written }) + '\n');
      else for (const w of written) inv.io.out(`${w.file}: ${w.entries} entr${w.entries === 1 ? 'y' : 'ies'}\n`);
      return 0;
    } catch (e) {
      if (!inv.values.json) throw e;
      inv.io.out(JSON.stringify({ ok: false, written: [], error: (e as Error).message }) + '\n');
      return 1;
    }
  },
};

export const BUILD_COMMANDS: CliCommand[] = [buildModuleCommand, compileCommandsCommand, buildBpfCommand, newModuleCommand, newBpfCommand, ...LOAD_COMMANDS, ...ELF_COMMANDS];
