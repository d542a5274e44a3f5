// The VM a lab check runs in: the workspace's running VM when there is one, else one booted for the
// check (in-process and powered off afterwards, or the detached workspace VM when it is to be kept).
import type { AgentClient } from '../../kernel/agent/client';
import { connectAgent, startVm, vmStatus } from '../../kernel/vm/manager';
import { readWorkspaceVmSettings } from '../../kernel/vm/settings';
import { bootOptions } from '../../kernel/vm/options';
import { Vm } from '../../kernel/vm/vm';

export interface LabVm {
  agent: AgentClient;
  /** The QEMU devices the VM has. */
  devices: string[];
  /** 'running': it was there before; 'booted': powered off by close(); 'kept': started and left running. */
  origin: 'running' | 'booted' | 'kept';
  close(): Promise<void>;
}

export interface LabVmOptions {
  /** QEMU devices the labs to check need, added to the workspace's own. */
  devices?: string[];
  /** Start the detached workspace VM (left running) instead of a VM for this check only. */
  keepVm?: boolean;
  /** The bundled CLI that runs the detached VM's daemon (needed with keepVm). */
  cliPath?: string;
  onProgress?: (label: string, fraction?: number) => void;
  warn?: (message: string) => void;
}

export async function openLabVm(workspace: string, o: LabVmOptions = {}): Promise<LabVm> {
  const status = vmStatus(workspace);
  if (status.state === 'running') {
    const agent = await connectAgent(workspace);
    return { agent, devices: status.devices ?? [], origin: 'running', close: async () => agent.close() };
  }
  if (status.state === 'starting') throw new Error(`the VM for ${workspace} is starting; wait for it (ring0 vm status) and check again`);
  const base = readWorkspaceVmSettings(workspace, o.warn);
  const devices = [...new Set([...(base.devices ?? []), ...(o.devices ?? [])])];
  const settings = { ...base, devices };
  if (o.keepVm) {
    if (!o.cliPath) throw new Error('keeping the VM needs the path of the ring0 CLI');
    const r = await startVm({ workspace, settings, cliPath: o.cliPath, onProgress: o.onProgress });
    const agent = await connectAgent(workspace);
    return { agent, devices: r.status.devices ?? devices, origin: 'kept', close: async () => agent.close() };
  }
  const vm = await Vm.boot(bootOptions(workspace, settings, { onProgress: o.onProgress }));
  return { agent: vm.agent, devices: vm.info.devices, origin: 'booted', close: () => vm.stop() };
}
