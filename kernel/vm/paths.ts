// Where a workspace's VM keeps its state: .ring0/ in the workspace (logs, vm.json) and a 0700 socket
// directory — .ring0/run when the paths fit a unix socket name, else a per-user directory in /tmp.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface VmPaths {
  workspace: string;
  stateDir: string;
  stateFile: string;
  serialLog: string;
  qemuLog: string;
  daemonLog: string;
  initrd: string;
  runDir: string;
  sockets: { qmp: string; agent: string; serial: string; control: string; gdb: string; share: (tag: string) => string };
}

/** sun_path holds 108 bytes including the NUL; keep a margin for the longest socket name. */
const SUN_PATH_MAX = 100;

export function vmPaths(workspace: string): VmPaths {
  const ws = path.resolve(workspace);
  const stateDir = path.join(ws, '.ring0');
  let runDir = path.join(stateDir, 'run');
  if (path.join(runDir, 'vfs-hostroot.sock').length > SUN_PATH_MAX) {
    const id = createHash('sha256').update(ws).digest('hex').slice(0, 16);
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    runDir = path.join(os.tmpdir(), `ring0-${uid}`, id);
  }
  const sock = (n: string) => path.join(runDir, n);
  return {
    workspace: ws,
    stateDir,
    stateFile: path.join(stateDir, 'vm.json'),
    serialLog: path.join(stateDir, 'serial.log'),
    qemuLog: path.join(stateDir, 'qemu.log'),
    daemonLog: path.join(stateDir, 'daemon.log'),
    initrd: path.join(stateDir, 'initrd.img'),
    runDir,
    sockets: {
      qmp: sock('qmp.sock'),
      agent: sock('agent.sock'),
      serial: sock('serial.sock'),
      control: sock('control.sock'),
      gdb: sock('gdb.sock'),
      share: (tag) => sock(`vfs-${tag}.sock`),
    },
  };
}

export function ensureDirs(p: VmPaths): void {
  mkdirSync(p.stateDir, { recursive: true });
  mkdirSync(p.runDir, { recursive: true, mode: 0o700 });
  chmodSync(p.runDir, 0o700);
  const parent = path.dirname(p.runDir);
  if (parent !== p.stateDir) chmodSync(parent, 0o700);
}
