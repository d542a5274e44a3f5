// CLI: `ring0 remote setup` (install this Ring0 on the remote host, then run its setup there) and
// `ring0 remote doctor` (the remote's doctor).
import type { CliCommand } from '../command';
import { CONNECTION_EXIT, RemoteError } from '../../kernel/remote/errors';
import { forwardCli } from '../../kernel/remote/forward';
import { checkRemoteNode, expectedInstall, installRemote, remoteHome } from '../../kernel/remote/install';
import { cliProgress } from '../progress';
import { effectiveFlags, flagsFromInvocation, openRemote, REMOTE_DETAILS, REMOTE_OPTIONS } from '../remote';

async function guarded(err: (t: string) => void, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof RemoteError)) throw e;
    err(`ring0: ${e.message}\n`);
    return CONNECTION_EXIT;
  }
}

export const remoteSetupCommand: CliCommand = {
  path: ['remote', 'setup'],
  summary: 'Install this Ring0 on the remote host (over SFTP) and run its `ring0 setup` there.',
  synopsis: '--remote URL [--debug-symbols] [--kernel-source]',
  details: [...REMOTE_DETAILS, '--debug-symbols, --kernel-source  passed to the remote\'s setup'],
  options: { ...REMOTE_OPTIONS, 'debug-symbols': { type: 'boolean' }, 'kernel-source': { type: 'boolean' } },
  async run(inv) {
    const io = inv.io;
    return guarded(io.err, async () => {
      const conn = await openRemote(effectiveFlags(flagsFromInvocation(inv), io, io.cwd), io);
      try {
        const progress = cliProgress(io);
        const inst = await installRemote(conn, (l, f) => progress.update(l, f)).finally(() => progress.done());
        io.err(inst.copied ? `Ring0 ${inst.version} installed on ${conn.label} in ${inst.dir}.\n` : `Ring0 ${inst.version} is already installed on ${conn.label} (${inst.dir}).\n`);
        const home = await remoteHome(conn);
        const args = ['setup', ...(inv.values['debug-symbols'] ? ['--debug-symbols'] : []), ...(inv.values['kernel-source'] ? ['--kernel-source'] : [])];
        io.err(`Running 'ring0 ${args.join(' ')}' on ${conn.label}:\n`);
        const r = await forwardCli({ conn, install: inst, map: { local: io.cwd, remote: home }, cwd: io.cwd, remoteCwd: home, argv: args, sync: false, out: (b) => io.out(b.toString()), err: (b) => io.err(b.toString()) });
        return r.code;
      } finally {
        conn.close();
      }
    });
  },
};

export const remoteDoctorCommand: CliCommand = {
  path: ['remote', 'doctor'],
  summary: 'Check the remote host: the connection, its Node.js, Ring0 installed there, and its `ring0 doctor`.',
  synopsis: '--remote URL [--json]',
  details: [...REMOTE_DETAILS, '--json  the remote doctor\'s JSON'],
  options: { ...REMOTE_OPTIONS, json: { type: 'boolean' } },
  async run(inv) {
    const io = inv.io;
    return guarded(io.err, async () => {
      const conn = await openRemote(effectiveFlags(flagsFromInvocation(inv), io, io.cwd), io);
      try {
        const node = await checkRemoteNode(conn);
        const inst = await expectedInstall(conn);
        const home = await remoteHome(conn);
        if (!inv.values.json) io.out(`remote:  ${conn.label}\nnode:    ${node}\nring0:   ${inst.dir}\n\n`);
        const r = await forwardCli({ conn, install: inst, map: { local: io.cwd, remote: home }, cwd: io.cwd, remoteCwd: home, argv: ['doctor', ...(inv.values.json ? ['--json'] : [])], sync: false, out: (b) => io.out(b.toString()), err: (b) => io.err(b.toString()) });
        return r.code;
      } finally {
        conn.close();
      }
    });
  },
};

export const REMOTE_COMMANDS: CliCommand[] = [remoteSetupCommand, remoteDoctorCommand];
