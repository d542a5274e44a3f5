// CLI: `ring0 vm dump [FILE]`, `ring0 vm dumps [--delete NAME]` and `ring0 crash DUMP` — crash dumps of
// the workspace VM (QMP dump-guest-memory through the daemon) and Debian's `crash` on them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { deleteDump, dumpsDir, listDumps, resolveDump, type DumpEntry } from '../../kernel/vm/dumps';
import { connectAgent } from '../../kernel/vm/manager';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { workspaceOf } from './vm';

const WS = { workspace: { type: 'string', short: 'w' } } as const;
const WS_LINE = '-w, --workspace DIR the workspace whose VM to use (default: .)';
const size = (n: number) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`);

export const vmDumpCommand: CliCommand = {
  path: ['vm', 'dump'],
  summary: 'Save a crash dump (ELF, QMP dump-guest-memory) of the running VM into .ring0/dumps; the VM keeps running.',
  synopsis: '[FILE.elf] [--json]',
  details: ['FILE.elf  where to write it (default .ring0/dumps/vmcore-TIME.elf); NAME.elf.json beside it records the kernel and its vmlinux', '--json    {dump, name, release, vmlinux?, vmlinuxExists, sizeBytes, createdAt, reason}', 'A panic saves a dump by itself; ring0.dumps.keep (default 3, 0 = none on a panic) limits how many are kept.', WS_LINE],
  options: { json: { type: 'boolean' }, ...WS },
  positionals: { min: 0, max: 1 },
  run: async (inv) => {
    const file = inv.positionals[0] ? path.resolve(inv.io.cwd, inv.positionals[0]) : undefined;
    if (file && !file.endsWith('.elf')) throw new UsageError(`a dump file ends in .elf (got ${file})`);
    const agent = await connectAgent(workspaceOf(inv));
    let json: Record<string, unknown>;
    try {
      inv.io.err('dumping guest memory (about the size of its RAM)…\n');
      ({ json } = await agent.call({ op: 'vm.dump', ...(file ? { file } : {}) }, { timeoutMs: 600_000 }));
    } finally {
      agent.close();
    }
    if (json.ok === false || typeof json.dump !== 'string') throw new Error(typeof json.error === 'string' ? json.error : 'the VM daemon saved no dump');
    const d = json as unknown as DumpEntry;
    if (inv.values.json) inv.io.out(JSON.stringify(d, null, 2) + '\n');
    else inv.io.out(`${d.dump}  ${size(d.sizeBytes)}  kernel ${d.release}${d.vmlinuxExists ? '' : ' (no vmlinux with debug symbols: apt-get install linux-image-' + d.release + '-dbg)'}\n`);
    return 0;
  },
};

export const vmDumpsCommand: CliCommand = {
  path: ['vm', 'dumps'],
  summary: 'List the workspace\'s crash dumps with their sizes, or delete one.',
  synopsis: '[--json] [--delete NAME|all]',
  details: ['--json         [{name, dump, sizeBytes, createdAt, reason, summary?, release, vmlinux?, vmlinuxExists}]', '--delete NAME  remove a dump and its .json (all: every dump)', WS_LINE],
  options: { json: { type: 'boolean' }, delete: { type: 'string' }, ...WS },
  run: async (inv) => {
    const dir = dumpsDir(workspaceOf(inv));
    const del = inv.values.delete as string | undefined;
    if (del !== undefined) {
      const gone = del === 'all' ? listDumps(dir).map((d) => deleteDump(dir, d.name)) : [deleteDump(dir, del)];
      if (inv.values.json) inv.io.out(JSON.stringify({ deleted: gone }, null, 2) + '\n');
      else for (const g of gone) inv.io.out(`deleted ${g}\n`);
      return 0;
    }
    const all = listDumps(dir);
    if (inv.values.json) inv.io.out(JSON.stringify(all, null, 2) + '\n');
    else if (!all.length) inv.io.out(`no dumps in ${dir} (ring0 vm dump takes one; a panic saves one)\n`);
    else {
      for (const d of all) inv.io.out(`${d.name}  ${size(d.sizeBytes).padStart(8)}  ${new Date(d.createdAt).toISOString()}  ${d.reason}${d.summary ? `: ${d.summary}` : ''}  kernel ${d.release}${d.vmlinuxExists ? '' : ' (vmlinux missing)'}\n`);
      inv.io.out(`${all.length} dump(s), ${size(all.reduce((s, d) => s + d.sizeBytes, 0))} in ${dir}\n`);
    }
    return 0;
  },
};

export const crashCommand: CliCommand = {
  path: ['crash'],
  summary: 'Open a crash dump with Debian\'s crash and the vmlinux of the kernel that made it (interactive, or --exec).',
  synopsis: 'DUMP|latest [--exec "bt; log | tail"] [--vmlinux PATH]',
  details: ['DUMP          a path, a name from ring0 vm dumps, or latest', '--exec CMDS   run crash commands (separated by ;) and exit, e.g. --exec bt', '--vmlinux P   override the vmlinux recorded with the dump', WS_LINE],
  options: { exec: { type: 'string' }, vmlinux: { type: 'string' }, ...WS },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const d = resolveDump(workspaceOf(inv), inv.positionals[0]);
    const vmlinux = (inv.values.vmlinux as string | undefined) ?? d.vmlinux;
    if (!vmlinux || !existsSync(vmlinux)) {
      const pkg = d.release !== 'unknown' ? `linux-image-${d.release}-dbg` : 'linux-image-RELEASE-dbg';
      throw new Error(`the dump's kernel (${d.release}) has no vmlinux with debug symbols${vmlinux ? ` at ${vmlinux} (it is gone)` : ''}: install ${pkg} (apt-get install ${pkg}, or ring0 setup --debug-symbols), or pass --vmlinux PATH`);
    }
    if (spawnSync('crash', ['--version'], { stdio: 'ignore' }).error) throw new Error("crash is not installed: install the Debian package crash (apt-get install crash), or run 'ring0 setup'");
    const exec = inv.values.exec as string | undefined;
    const args = exec !== undefined ? ['-s', vmlinux, d.dump] : [vmlinux, d.dump];
    return new Promise<number>((resolve, reject) => {
      const child = spawn('crash', args, { stdio: exec !== undefined ? ['pipe', 'pipe', 'pipe'] : 'inherit' });
      child.on('error', reject);
      if (exec !== undefined) {
        child.stdout!.on('data', (b: Buffer) => inv.io.out(b.toString()));
        child.stderr!.on('data', (b: Buffer) => inv.io.err(b.toString()));
        child.stdin!.end(`${exec.split(';').map((c) => c.trim()).filter(Boolean).join('\n')}\nquit\n`);
      }
      child.on('close', (code) => resolve(code ?? 1));
    });
  },
};

export const DUMP_COMMANDS: CliCommand[] = [vmDumpCommand, vmDumpsCommand, crashCommand];
