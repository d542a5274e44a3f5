// Agent tools that build and load: a module directory with Kbuild, a BPF program with clang (compiler
// messages as structured diagnostics), loading a .ko or .bpf.o into the VM and unloading it by name.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { buildBpf } from '../kernel/bpf/build';
import { formatDiagnostic, type BuildResult } from '../kernel/build/diagnostics';
import { buildModule } from '../kernel/build/module';
import { isModuleLoaded, loadModule, unloadModule } from '../kernel/build/load';
import { loadBpf, unloadBpf } from '../kernel/build/bpfLoad';
import { vmKernelFor } from '../kernel/build/vmKernel';
import { inspectElf } from '../kernel/elf/inspect';
import { connectAgent } from '../kernel/vm/manager';
import { defineTool, inWorkspace, ToolInputError, withAgent, type ToolResult } from './tool';

function buildResult(r: BuildResult): ToolResult {
  const diags = r.diagnostics.map(formatDiagnostic).join('\n');
  return { text: `${r.ok ? `built ${r.artifacts.join(', ') || '(nothing)'}` : 'build failed'}${diags ? `\n${diags}` : ''}`, data: { ok: r.ok, artifacts: r.artifacts, diagnostics: r.diagnostics }, isError: !r.ok };
}

export const buildModuleTool = defineTool({
  name: 'ring0_build_module',
  title: 'Build a kernel module',
  description: 'Build a kernel module directory (Makefile/Kbuild with obj-m) against the VM kernel\'s headers. Returns {ok, artifacts, diagnostics: [{file, line, column, severity, message}]} with compiler messages on the user\'s lines; also writes compile_commands.json.',
  input: { dir: z.string().describe('the module directory, relative to the workspace') },
  changesState: true,
  confirm: (i) => `Build the kernel module in ${i.dir}?`,
  async run(i, ctx) {
    const dir = inWorkspace(ctx.workspace, i.dir, 'dir');
    ctx.progress(`building ${i.dir}`);
    return buildResult(await buildModule({ dir, kernelTree: vmKernelFor(ctx.workspace).buildDir }));
  },
});

export const buildBpfTool = defineTool({
  name: 'ring0_build_bpf',
  title: 'Build a BPF program',
  description: 'Compile X.bpf.c to X.bpf.o with clang -target bpf against the VM kernel\'s vmlinux.h. Returns {ok, artifacts, diagnostics}.',
  input: { file: z.string().describe('the .bpf.c file, relative to the workspace') },
  changesState: true,
  confirm: (i) => `Compile the BPF program ${i.file}?`,
  async run(i, ctx) {
    const file = inWorkspace(ctx.workspace, i.file, 'file');
    if (!existsSync(file)) throw new ToolInputError(`${i.file} does not exist`);
    ctx.progress(`compiling ${i.file}`);
    return buildResult(await buildBpf({ file, kernel: vmKernelFor(ctx.workspace), connect: () => connectAgent(ctx.workspace) }));
  },
});

export const loadTool = defineTool({
  name: 'ring0_load',
  title: 'Load into the VM',
  description: 'Load a built kernel module (.ko; reloaded if loaded) or BPF object (.bpf.o; programs attached) into the running VM. Returns the module\'s dmesg lines or the BPF programs and maps, with verifier diagnostics on failure.',
  input: {
    path: z.string().describe('the .ko or .bpf.o, relative to the workspace'),
    iface: z.string().regex(/^[\w.-]{1,15}$/).optional().describe('network interface for XDP/tc programs'),
  },
  changesState: true,
  confirm: (i) => `Load ${i.path} into the Ring0 VM's kernel?`,
  async run(i, ctx) {
    const file = inWorkspace(ctx.workspace, i.path, 'path');
    if (!existsSync(file)) throw new ToolInputError(`${i.path} does not exist; build it first`);
    const kind = inspectElf(file).kind;
    if (kind !== 'module' && kind !== 'bpf') throw new ToolInputError(`${i.path} is neither a kernel module nor a BPF object`);
    return withAgent(ctx, async (agent) => {
      if (kind === 'module') {
        const r = await loadModule(agent, file);
        return { text: r.ok ? `${r.reloaded ? 'reloaded' : 'loaded'} ${r.name}\n${r.dmesg.join('\n')}` : `load failed: ${r.error}\n${r.dmesg.join('\n')}`, data: r, isError: !r.ok };
      }
      const r = await loadBpf(agent, { object: file, iface: i.iface });
      return { text: r.ok ? `loaded ${r.name}: ${r.programs.map((p) => p.name).join(', ')}` : `load failed: ${r.error}\n${r.diagnostics.map(formatDiagnostic).join('\n')}`, data: r, isError: !r.ok };
    });
  },
});

export const unloadTool = defineTool({
  name: 'ring0_unload',
  title: 'Unload from the VM',
  description: 'Unload a kernel module (rmmod) or a BPF object loaded by ring0_load, by name.',
  input: { name: z.string().regex(/^[\w.-]{1,64}$/).describe('module or BPF object name') },
  changesState: true,
  confirm: (i) => `Unload ${i.name} from the Ring0 VM?`,
  async run(i, ctx) {
    return withAgent(ctx, async (agent) => {
      const r = (await isModuleLoaded(agent, i.name)) ? await unloadModule(agent, i.name) : await unloadBpf(agent, i.name);
      return { text: r.ok ? `unloaded ${r.name}` : `unload failed: ${r.error}`, data: r, isError: !r.ok };
    });
  },
});

export const BUILD_TOOLS = [buildModuleTool, buildBpfTool, loadTool, unloadTool];
