// Agent tools for your own kernel: configure it from Ring0's fragments and build it (make O=…, with
// progress and compiler diagnostics), as `ring0 kernel config|build` do with the workspace's settings.
import { z } from 'zod';
import { buildKernel } from '../kernel/kernels/build';
import { configureKernel, formatDropped } from '../kernel/kernels/config';
import { PROFILES, type Profile } from '../kernel/kernels/fragments';
import { readKernelSettings, resolveBuildDir, resolveSource } from '../kernel/kernels/settings';
import { recognizeTree } from '../kernel/kernels/tree';
import { formatDiagnostic } from '../kernel/build/diagnostics';
import { defineTool } from './tool';

function buildDirFor(workspace: string, profile?: Profile) {
  const settings = readKernelSettings(workspace);
  const source = resolveSource(settings.source, workspace);
  recognizeTree(source);
  const p = profile ?? settings.profile;
  return { source, profile: p, buildDir: resolveBuildDir(settings, source, workspace, p) };
}

export const kernelConfigTool = defineTool({
  name: 'ring0_kernel_config',
  title: 'Configure your kernel',
  description: 'Configure your own kernel (ring0.kernel.source, else Debian\'s linux-source): tinyconfig + kvm_guest.config + Ring0\'s QEMU fragment + a profile. Returns the options Kconfig dropped and why.',
  input: { profile: z.enum(PROFILES as unknown as [Profile, ...Profile[]]).optional().describe('minimal, debug or bpf (default: ring0.kernel.profile)') },
  changesState: true,
  confirm: (i) => `Configure your kernel${i.profile ? ` with the ${i.profile} profile` : ''} (rewrites the build directory's .config)?`,
  async run(i, ctx) {
    const { source, buildDir, profile } = buildDirFor(ctx.workspace, i.profile);
    const r = await configureKernel({ source, buildDir, profile, fragments: [], progress: (l) => ctx.progress(l) });
    return { text: `${r.ok ? 'configured' : 'configured with dropped options'}: ${r.config}${r.dropped.length ? `\n${r.dropped.map(formatDropped).join('\n')}` : ''}`, data: r, isError: !r.ok };
  },
});

export const kernelBuildTool = defineTool({
  name: 'ring0_kernel_build',
  title: 'Build your kernel',
  description: 'Build your configured kernel (make O=… bzImage modules, incremental); long: minutes from scratch. Returns {ok, image, vmlinux, release, diagnostics}. Boot it with ring0.vm.kernel = "build".',
  input: { jobs: z.number().int().min(1).max(256).optional().describe('parallel make jobs (default 2)') },
  changesState: true,
  confirm: () => 'Build your kernel? This can take several minutes.',
  async run(i, ctx) {
    const { buildDir } = buildDirFor(ctx.workspace);
    const r = await buildKernel({ buildDir, jobs: i.jobs ?? 2, progress: (l, f) => ctx.progress(l, f) });
    const { log: _log, ...data } = r;
    return { text: r.ok ? `built ${r.release}: ${r.image}` : `kernel build failed\n${r.diagnostics.map(formatDiagnostic).join('\n')}`, data, isError: !r.ok };
  },
});

export const KERNEL_TOOLS = [kernelConfigTool, kernelBuildTool];
