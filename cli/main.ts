// The `ring0` CLI entry: picks the subcommand, parses its flags, prints usage (exit 2) on bad input.
import { helpText, parseInvocation, UsageError, type CliCommand, type CliIO } from './command';
import { doctorCommand, setupCommand } from './commands/host';
import { VM_COMMANDS } from './commands/vm';
import { BUILD_COMMANDS } from './commands/build';
import { LAB_COMMANDS } from './commands/lab';
import { BPF_COMMANDS } from './commands/bpf';
import { DUMP_COMMANDS } from './commands/dumps';
import { KERNEL_STATE_COMMANDS } from './commands/kernelState';
import { TRACE_COMMANDS } from './commands/trace';
import { BPFTRACE_COMMANDS } from './commands/bpftrace';
import { dapCommand } from './commands/dap';
import { mcpCommand } from './commands/mcp';
import { KERNEL_COMMANDS } from './commands/kernel';
import { vmWatchCommand } from './commands/watch';
import { RING0_VERSION } from '../kernel/version';
import { REMOTE_COMMANDS } from './commands/remote';
import { effectiveFlags, runRemotely, splitGlobalFlags } from './remote';

export const COMMANDS: CliCommand[] = [doctorCommand, setupCommand, ...VM_COMMANDS, ...DUMP_COMMANDS, ...BUILD_COMMANDS, ...LAB_COMMANDS, ...BPF_COMMANDS, ...TRACE_COMMANDS, ...BPFTRACE_COMMANDS, ...KERNEL_COMMANDS, ...KERNEL_STATE_COMMANDS, vmWatchCommand, dapCommand, mcpCommand, ...REMOTE_COMMANDS];

export function usage(all: CliCommand[] = COMMANDS): string {
  const commands = all.filter((c) => !c.hidden);
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'Usage: ring0 <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Global: --version, --help. Every command takes --help.',
    'Remote: ring0 --remote ssh://user@host[:port] [--identity FILE] [--remote-dir DIR] [--accept-new-host-key] <command> ...',
    '        runs the command on that host (also RING0_REMOTE); the workspace is synced there first.',
    '',
  ].join('\n');
}

/** Longest command path that prefixes argv. */
function resolve(argv: string[], commands: CliCommand[]): { cmd?: CliCommand; rest: string[] } {
  let best: CliCommand | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return { cmd: best, rest: best ? argv.slice(best.path.length) : argv };
}

export async function main(fullArgv: string[], io: CliIO, commands: CliCommand[] = COMMANDS): Promise<number> {
  let split;
  try {
    split = splitGlobalFlags(fullArgv);
  } catch (e) {
    io.err(`ring0: ${(e as Error).message}\n`);
    return 2;
  }
  const { flags, given } = split;
  const argv = split.rest;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(usage(commands));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(`${RING0_VERSION}\n`);
    return 0;
  }
  const found = resolve(argv, commands);
  const { cmd } = found;
  let { rest } = found;
  // `ring0 --remote URL remote setup`: the global flags are that command's own.
  if (cmd && cmd.path[0] === 'remote') rest = [...given, ...rest];
  const remote = cmd && cmd.path[0] !== 'remote' ? effectiveFlags(flags, io) : undefined;
  if (!cmd) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    io.err(group.length ? `ring0: unknown '${argv[0]}' subcommand '${argv[1] ?? ''}'\n\n${usage(group)}` : `ring0: unknown command '${argv[0]}'\n\n${usage(commands)}`);
    return 2;
  }
  let inv;
  try {
    inv = parseInvocation(cmd, rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ring0 ${cmd.path.join(' ')}: ${e.message}\n\n${helpText(cmd)}`);
      return 2;
    }
    throw e;
  }
  if (inv.values.help) {
    io.out(helpText(cmd));
    return 0;
  }
  try {
    if (remote?.url) return await runRemotely(cmd, inv, argv, flags);
    return await cmd.run(inv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ring0 ${cmd.path.join(' ')}: ${e.message}\n\n${helpText(cmd)}`);
      return 2;
    }
    io.err(`ring0 ${cmd.path.join(' ')}: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  const io: CliIO = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`ring0: ${(e as Error).stack ?? e}\n`); process.exitCode = 1; },
  );
}
