// Agent tools for the workspace VM: status, start (with progress), stop, and exec with collected output.
import { z } from 'zod';
import { startVm, stopVm, vmStatus } from '../kernel/vm/manager';
import { readWorkspaceVmSettings } from '../kernel/vm/settings';
import { KNOWN_DEVICES } from '../kernel/vm/devices';
import { defineTool, inWorkspace, withAgent } from './tool';

const deviceNames = Object.keys(KNOWN_DEVICES) as [string, ...string[]];

export const vmStatusTool = defineTool({
  name: 'ring0_vm_status',
  title: 'VM status',
  description: 'Whether the workspace VM (QEMU) is running, stopped or panicked, with its kernel, accelerator, devices and any oops or panic report.',
  input: {},
  changesState: false,
  async run(_input, ctx) {
    const s = vmStatus(ctx.workspace);
    return { text: `VM ${s.state}${s.kernel ? `, kernel ${s.kernel}` : ''}${s.accel ? ` (${s.accel})` : ''}`, data: s };
  },
});

export const vmStartTool = defineTool({
  name: 'ring0_vm_start',
  title: 'Start the VM',
  description: 'Boot the workspace VM in the background (Debian\'s kernel or the one ring0.vm.kernel names) and wait until its agent answers. The workspace is shared into the guest at the same path.',
  input: {
    devices: z.array(z.enum(deviceNames)).optional().describe('extra QEMU devices for labs that need them'),
    memoryMiB: z.number().int().min(128).max(65536).optional().describe('guest memory in MiB'),
    cpus: z.number().int().min(1).max(64).optional().describe('virtual CPUs'),
  },
  changesState: true,
  confirm: (i, ws) => `Boot the Ring0 VM for ${ws}${i.devices?.length ? ` with ${i.devices.join(', ')}` : ''}?`,
  async run(i, ctx) {
    const base = readWorkspaceVmSettings(ctx.workspace);
    const settings = { ...base, ...(i.memoryMiB ? { memoryMiB: i.memoryMiB } : {}), ...(i.cpus ? { cpus: i.cpus } : {}), devices: [...new Set([...(base.devices ?? []), ...(i.devices ?? [])])] };
    const r = await startVm({ workspace: ctx.workspace, settings, cliPath: ctx.cliPath, onProgress: (l, f) => ctx.progress(l, f) });
    return { text: r.alreadyRunning ? 'The VM was already running.' : `VM running: ${r.status.kernel} under ${r.status.accel}, booted in ${r.status.bootMs} ms.`, data: { ...r.status, alreadyRunning: r.alreadyRunning } };
  },
});

export const vmStopTool = defineTool({
  name: 'ring0_vm_stop',
  title: 'Stop the VM',
  description: 'Power off the workspace VM.',
  input: {},
  changesState: true,
  confirm: (_i, ws) => `Power off the Ring0 VM for ${ws}?`,
  async run(_i, ctx) {
    const stopped = await stopVm(ctx.workspace);
    return { text: stopped ? 'VM stopped.' : 'No VM was running.', data: { stopped } };
  },
});

export const vmExecTool = defineTool({
  name: 'ring0_vm_exec',
  title: 'Run a command in the VM',
  description: 'Run a program (as root) in the running workspace VM and return its exit code, stdout and stderr. argv is not a shell line: use ["sh", "-c", "…"] for pipes. Output is capped at 64 KiB each.',
  input: {
    argv: z.array(z.string()).min(1).describe('program and arguments, e.g. ["uname", "-r"]'),
    cwd: z.string().optional().describe('working directory, relative to the workspace (default: the workspace)'),
    timeoutSeconds: z.number().positive().max(3600).optional().describe('kill the command after this long (default 60)'),
  },
  changesState: true,
  confirm: (i) => `Run \`${i.argv.join(' ')}\` as root in the Ring0 VM?`,
  async run(i, ctx) {
    const cwd = inWorkspace(ctx.workspace, i.cwd ?? '.', 'cwd');
    const r = await withAgent(ctx, (a) => a.run(i.argv, { cwd, timeoutMs: Math.round((i.timeoutSeconds ?? 60) * 1000) }));
    const cap = (b: Buffer) => (b.length > 65536 ? `${b.subarray(0, 65536).toString('utf8')}\n[… ${b.length - 65536} more bytes]` : b.toString('utf8'));
    const data = { exitCode: r.exitCode, signal: r.signal ?? null, timedOut: !!r.timedOut, stdout: cap(r.stdout), stderr: cap(r.stderr) };
    return { text: `exit ${r.timedOut ? 'timeout' : r.exitCode ?? r.signal}\n${data.stdout}${data.stderr ? `\n[stderr]\n${data.stderr}` : ''}`, data, isError: r.exitCode !== 0 };
  },
});

export const VM_TOOLS = [vmStatusTool, vmStartTool, vmStopTool, vmExecTool];
