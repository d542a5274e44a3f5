// Loads and unloads kernel modules in the running VM through the agent (insmod/rmmod of the .ko at its
// shared absolute path), reloading a module already in, and explains failures in plain language.
import path from 'node:path';
import type { AgentClient } from '../agent/client';
import { inspectElf } from '../elf/inspect';

export interface ModuleLoadResult {
  ok: boolean;
  kind: 'module';
  name: string;
  path: string;
  /** A module of that name was loaded and was removed first. */
  reloaded: boolean;
  /** Plain-language error when !ok. */
  error?: string;
  /** Non-fatal problems (e.g. the kernel was tainted by a missing license). */
  warnings: string[];
  /** Kernel messages printed while loading. */
  dmesg: string[];
  /** Addresses of the loaded module's sections (for debuggers), when ok. */
  sections?: Record<string, string>;
}

export interface UnloadResult {
  ok: boolean;
  kind: 'module';
  name: string;
  error?: string;
}

/** The name the kernel will know the module by: modinfo name=, else the file name with - → _. */
export function moduleNameOf(ko: string): string {
  try {
    const info = inspectElf(ko);
    if (info.kind === 'module' && info.name) return info.name;
  } catch {
    // fall back to the file name
  }
  return path.basename(ko).replace(/\.ko$/, '').replace(/-/g, '_');
}

/** Turns insmod's stderr and the new kernel messages into one plain sentence. Pure. */
export function explainInsmodFailure(name: string, stderr: string, dmesg: string[]): string {
  const unknown = dmesg.map((l) => /Unknown symbol (\S+)/.exec(l)?.[1]).filter((s): s is string => !!s);
  if (/Unknown symbol in module/i.test(stderr) || unknown.length) {
    return `${name} uses symbols the VM's kernel does not provide${unknown.length ? `: ${[...new Set(unknown)].join(', ')}` : ''} (Unknown symbol in module). Check the names, load the modules that export them first, or add MODULE_LICENSE("GPL") if they are GPL-only exports.`;
  }
  const magic = dmesg.map((l) => /version magic '([^']*)' should be '([^']*)'/.exec(l)).find((m) => m);
  if (magic || /Invalid module format|Exec format error/i.test(stderr)) {
    return `${name} was built for another kernel${magic ? ` (version magic '${magic[1].trim()}', the VM runs '${magic[2].trim()}')` : ''}: Invalid module format. Rebuild it with 'ring0 build module', which uses the VM kernel's headers.`;
  }
  if (/File exists/i.test(stderr)) return `a module named ${name} is already loaded (File exists) and could not be replaced; unload it with 'ring0 unload ${name}'.`;
  if (/Key was rejected|Required key not available/i.test(stderr)) return `the VM's kernel refuses unsigned modules: ${stderr.trim()}`;
  if (/Operation not permitted/i.test(stderr)) return `loading ${name} is not permitted in the VM (are modules disabled?): ${stderr.trim()}`;
  const err = /could not insert module [^:]*: (.*)$/m.exec(stderr)?.[1] ?? /insmod: (?:can't insert '[^']*': )?(.*)$/m.exec(stderr)?.[1];
  if (err) return `${name}'s init function failed: ${err.trim()} (the module's init returned an error; see dmesg).`;
  return `insmod ${name} failed: ${stderr.trim() || 'no message'}`;
}

/** Warnings worth showing from the kernel messages of a successful load. */
export function loadWarnings(name: string, dmesg: string[]): string[] {
  const out: string[] = [];
  for (const l of dmesg) {
    if (/module license '[^']*' taints kernel|module license taints kernel/i.test(l)) out.push(`${name} has no GPL-compatible MODULE_LICENSE: the kernel is tainted and GPL-only symbols are unavailable (add MODULE_LICENSE("GPL")).`);
    else if (/module verification failed/i.test(l)) continue;
    else if (/loading out-of-tree module taints kernel/i.test(l)) continue;
    else if (/\bWARNING:|BUG:|Oops/.test(l)) out.push(l.replace(/^\[\s*[\d.]+\]\s*/, ''));
  }
  return [...new Set(out)];
}

async function guestDmesg(agent: AgentClient): Promise<string[]> {
  try {
    const r = await agent.run(['dmesg'], { timeoutMs: 10_000 });
    return r.stdout.toString().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function isLoaded(agent: AgentClient, name: string): Promise<boolean> {
  const r = await agent.run(['test', '-d', `/sys/module/${name}/sections`], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

async function moduleSections(agent: AgentClient, name: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of ['.text', '.data', '.bss']) {
    try {
      const r = await agent.readFile(`/sys/module/${name}/sections/${s}`);
      const v = r.data.toString().trim();
      if (v) out[s] = v;
    } catch {
      // section absent
    }
  }
  return out;
}

export async function loadModule(agent: AgentClient, ko: string, opts: { params?: string[] } = {}): Promise<ModuleLoadResult> {
  const file = path.resolve(ko);
  const name = moduleNameOf(file);
  const base = { kind: 'module' as const, name, path: file, warnings: [] as string[] };
  let reloaded = false;
  if (await isLoaded(agent, name)) {
    const rm = await agent.run(['rmmod', name], { timeoutMs: 30_000 });
    if (rm.exitCode !== 0) return { ...base, ok: false, reloaded, dmesg: [], error: `${name} is loaded and could not be removed for the reload: ${explainRmmod(name, rm.stderr.toString())}` };
    reloaded = true;
  }
  const before = (await guestDmesg(agent)).length;
  const r = await agent.run(['insmod', file, ...(opts.params ?? [])], { timeoutMs: 60_000 });
  const dmesg = (await guestDmesg(agent)).slice(before);
  if (r.exitCode !== 0) return { ...base, ok: false, reloaded, dmesg, error: explainInsmodFailure(name, r.stderr.toString(), dmesg) };
  return { ...base, ok: true, reloaded, dmesg, warnings: loadWarnings(name, dmesg), sections: await moduleSections(agent, name) };
}

export function explainRmmod(name: string, stderr: string): string {
  if (/in use|busy|Resource temporarily unavailable|EBUSY/i.test(stderr)) return `${name} cannot be removed: it is in use (a process holds it open or another module depends on it), or it has no module_exit function (then it stays until the VM restarts).`;
  if (/not currently loaded|No such file|does not exist/i.test(stderr)) return `${name} is not loaded.`;
  return stderr.trim() || 'rmmod failed';
}

export async function isModuleLoaded(agent: AgentClient, name: string): Promise<boolean> {
  return isLoaded(agent, name.replace(/\.ko$/, '').replace(/-/g, '_'));
}

export async function unloadModule(agent: AgentClient, name: string): Promise<UnloadResult> {
  const n = name.replace(/\.ko$/, '').replace(/-/g, '_');
  const r = await agent.run(['rmmod', n], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) return { ok: false, kind: 'module', name: n, error: explainRmmod(n, r.stderr.toString()) };
  return { ok: true, kind: 'module', name: n };
}
