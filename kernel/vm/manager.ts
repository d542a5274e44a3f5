// Client side of a workspace VM, shared by the CLI and the extension: start (spawns the detached VM
// daemon and waits for it), stop, status, and agent connections through the daemon's control socket.
import { spawn } from 'node:child_process';
import { closeSync, existsSync } from 'node:fs';
import net from 'node:net';
import { AgentClient } from '../agent/client';
import { vmPaths, ensureDirs, type VmPaths } from './paths';
import { effectiveState, pidAlive, readState, type VmStateFile, type VmStatus } from './state';
import type { VmSettings } from './settings';
import { openPrivate } from '../util/privateFile';

export interface StartResult {
  alreadyRunning: boolean;
  status: VmStatus;
  state: VmStateFile;
}

export interface StartOptions {
  workspace: string;
  settings: VmSettings;
  /** The bundled CLI (dist/cli.js) that runs the daemon. */
  cliPath: string;
  gdb?: boolean;
  onProgress?: (label: string, fraction?: number) => void;
  timeoutMs?: number;
}

export function vmStatus(workspace: string): VmStatus {
  return effectiveState(readState(vmPaths(workspace)));
}

export async function startVm(o: StartOptions): Promise<StartResult> {
  const paths = vmPaths(o.workspace);
  const before = readState(paths);
  const current = effectiveState(before);
  if ((current.state === 'running' || current.state === 'starting') && before) {
    if (current.state === 'starting') return waitUntilUp(paths, before.daemonPid, o);
    return { alreadyRunning: true, status: current, state: before };
  }
  ensureDirs(paths);
  const log = openPrivate(paths.daemonLog, 'w');
  const child = spawn(process.execPath, [o.cliPath, 'vm', 'daemon', '--workspace', paths.workspace, '--settings', JSON.stringify(o.settings), ...(o.gdb ? ['--gdb'] : [])], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  closeSync(log);
  child.unref();
  return waitUntilUp(paths, child.pid, o);
}

async function waitUntilUp(paths: VmPaths, daemonPid: number | undefined, o: StartOptions): Promise<StartResult> {
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);
  let lastLabel = '';
  for (;;) {
    const s = readState(paths);
    if (s && s.daemonPid === daemonPid) {
      if (s.progress && s.progress.label !== lastLabel) {
        lastLabel = s.progress.label;
        o.onProgress?.(s.progress.label, s.progress.fraction);
      }
      if (s.state === 'running') return { alreadyRunning: false, status: effectiveState(s), state: s };
      if (s.state === 'stopped' || s.state === 'panicked') throw new Error(s.error ?? `the VM ${s.state} while booting; see ${paths.serialLog}`);
    }
    if (!pidAlive(daemonPid)) {
      const s2 = readState(paths);
      throw new Error(s2 && s2.daemonPid === daemonPid && s2.error ? s2.error : `the VM daemon exited while starting; see ${paths.daemonLog}`);
    }
    if (Date.now() > deadline) throw new Error(`the VM did not start within ${Math.round((o.timeoutMs ?? 180_000) / 1000)} s; see ${paths.daemonLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks the daemon to power off and waits until it is gone. Returns false if no VM was running. */
export async function stopVm(workspace: string, timeoutMs = 15_000): Promise<boolean> {
  const paths = vmPaths(workspace);
  const s = readState(paths);
  if (!s || !pidAlive(s.daemonPid)) return false;
  try {
    process.kill(s.daemonPid!, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(s.daemonPid)) {
    if (Date.now() > deadline) {
      // The daemon did not stop in time: end QEMU and the daemon by pid.
      for (const pid of [s.pid, s.daemonPid]) {
        try {
          if (pid) process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** A new agent connection to the running VM, multiplexed by its daemon. */
export async function connectAgent(workspace: string): Promise<AgentClient> {
  const paths = vmPaths(workspace);
  const status = effectiveState(readState(paths));
  if (status.state !== 'running') {
    throw new Error(status.state === 'panicked' ? `the VM panicked: ${status.panic?.summary ?? 'see the serial log'}. Restart it with 'ring0 vm start'.` : `no VM is running for ${paths.workspace}; start one with 'ring0 vm start'`);
  }
  if (!existsSync(paths.sockets.control)) throw new Error(`the VM's control socket ${paths.sockets.control} is missing; restart the VM`);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.createConnection(paths.sockets.control);
    s.once('connect', () => resolve(s));
    s.once('error', (e) => reject(new Error(`cannot reach the VM daemon: ${e.message}`)));
  });
  return new AgentClient(socket);
}
