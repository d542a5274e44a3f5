// Starting the engine's gdb: the process with its settings and index cache, the vmlinux, the stub
// connection, and the check that the vmlinux is the running kernel's.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../kernel/util/paths';
import { GdbError, GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miString } from '../mi/parser';
import type { KernelTarget } from '../target/kernelTarget';
import { bannerText, readElfAt } from '../target/elfAt';
import { loadGdbScripts } from '../target/ownKernel';
import { parseAddress } from '../session/moduleSymbols';
import { readMemory } from './memory';

/** Debian's build path of the cloud kernel's sources in its DWARF. */
const DEBIAN_BUILD_PREFIXES = ['debian/build/build_amd64_none_cloud-amd64'];

/** A gdb process for the target, its index cache set (configureGdb loads the vmlinux). */
export function startGdb(t: KernelTarget, gdbPath: string | undefined): GdbProcess {
  // gdb's index cache makes the second and later loads of the 590 MB DWARF vmlinux fast.
  const cache = path.join(cacheDir(), 'gdb-index');
  const logFile = process.env.RING0_DAP_LOG;
  const trace = logFile ? (line: string) => appendFileSync(logFile, `${new Date().toISOString().slice(11, 23)} ${line}\n`) : undefined;
  return new GdbProcess({ gdbPath, trace, args: ['-iex', 'set index-cache enabled on', '-iex', `set index-cache directory ${cache}`], cwd: t.workspace });
}

/** Settings, source paths and symbols; a kernel of your own also gets its tree's lx-* gdb scripts. */
export async function configureGdb(gdb: GdbProcess, t: KernelTarget, log: (line: string) => void = () => undefined): Promise<void> {
  await gdb.send(mi.gdbSet('mi-async on'));
  await gdb.send(mi.gdbSet('confirm off'));
  await gdb.send(mi.gdbSet('pagination off'));
  await gdb.send(mi.gdbSet('print pretty off'));
  await gdb.send(mi.gdbSet('breakpoint pending on'));
  // A kernel of your own names the tree's files in its DWARF: no substitute-path.
  if (t.sourceDir && !t.ownBuild) {
    for (const from of DEBIAN_BUILD_PREFIXES) await gdb.console(mi.substitutePath(from, t.sourceDir));
  }
  await gdb.send(mi.fileSymbolFile(t.vmlinux), 180_000);
  if (t.ownBuild) await loadGdbScripts(t.ownBuild, (c) => gdb.console(c), log);
}

/** A vmlinux of another kernel puts breakpoints at the wrong places: compare its banner with the guest's. */
export async function checkKernelMatches(gdb: GdbProcess, t: KernelTarget): Promise<void> {
  try {
    await checkBanner(gdb, t);
    const banner = miString((await gdb.send(mi.dataEvaluate('(char*)linux_banner'))).value) ?? '';
    if (t.release && banner && !banner.includes(t.release)) {
      throw new Error(`${t.vmlinux} does not match the VM's kernel ${t.release} (its banner: ${banner.slice(0, 80)})`);
    }
    // Some of Debian's DWARF paths name the upstream version, which only the banner tells: "Debian 6.1.158-1".
    // (the compiler's "Debian 12.2.0-14" comes first: the kernel's is the last one).
    const upstream = [...banner.matchAll(/Debian (\d+\.\d+\.\d+)-/g)].at(-1)?.[1];
    if (upstream && t.sourceDir && !t.ownBuild) await gdb.console(mi.substitutePath(`/build/reproducible-path/linux-${upstream}`, t.sourceDir));
  } catch (e) {
    if (e instanceof GdbError) throw new Error(`cannot read the kernel through the gdb stub: ${e.message}`);
    throw e;
  }
}

/**
 * The banner the vmlinux file holds at linux_banner must be the one in the guest's memory there: it
 * names the version, the build number and time, so another build of the same release differs too.
 */
async function checkBanner(gdb: GdbProcess, t: KernelTarget): Promise<void> {
  const addr = parseAddress(miString((await gdb.send(mi.dataEvaluate('(unsigned long) &linux_banner'))).value) ?? '');
  if (addr === undefined) return;
  const inFile = readElfAt(t.vmlinux, addr, 256);
  if (!inFile) return;
  const want = bannerText(inFile);
  const m = await readMemory(gdb, `0x${addr.toString(16)}`, 0, 256);
  const got = bannerText(m.data);
  if (want === got) return;
  const running = got.startsWith('Linux version') ? `the VM runs "${got.slice(0, 120)}"` : `the VM's memory at its linux_banner holds no banner (another kernel${t.release ? `, ${t.release}` : ''} is running)`;
  throw new Error(`${t.vmlinux} is not the running kernel's vmlinux: it was built as "${want.slice(0, 120)}" but ${running}. Set "vmlinux" in the launch configuration to the running kernel's (or leave it out for the VM's own)`);
}
