// The engine's module tracking: hook breakpoints on module load and free, symbol files added and
// removed at each module's addresses, and the DAP view of the loaded modules.
import type { DebugProtocol } from '@vscode/debugprotocol';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miNumber, miString, miTuple } from '../mi/parser';
import { MODULE_FREE_HOOK, MODULE_LOAD_HOOK, addSymbolFileCommand, findModuleFile, moduleKey, parseCharArray, readModule, type LoadedModule } from '../session/moduleSymbols';
import { errorText } from './errors';

export type HookKind = 'load' | 'free' | 'panic';

export interface ModuleChange {
  reason: 'new' | 'changed' | 'removed';
  module: DebugProtocol.Module;
}

export class ModuleTracker {
  private readonly loaded = new Map<string, LoadedModule>();
  private readonly hooks = new Map<number, HookKind>();

  constructor(
    private readonly gdb: () => GdbProcess,
    private readonly workspace: () => string,
    private readonly say: (line: string) => void,
  ) {}

  /** Breakpoints Ring0 keeps for itself: module load/free, and panic/oops unless the user turned that off. */
  async insertHooks(stopOnPanic: boolean): Promise<void> {
    const hook = async (fn: string, kind: HookKind) => {
      try {
        const r = await this.gdb().send(mi.breakInsert({ location: fn, pending: false }));
        const id = miNumber(miTuple(r.bkpt)?.number);
        if (id !== undefined) this.hooks.set(id, kind);
      } catch (e) {
        this.say(`Ring0: cannot watch ${fn} (${errorText(e)}); ${kind === 'panic' ? 'panics will not stop the debugger' : 'module symbols will not load automatically'}`);
      }
    };
    await hook(MODULE_LOAD_HOOK, 'load');
    await hook(MODULE_FREE_HOOK, 'free');
    if (stopOnPanic) {
      await hook('panic', 'panic');
      await hook('oops_begin', 'panic');
    }
  }

  hookOf(gdbId: number): HookKind | undefined {
    return this.hooks.get(gdbId);
  }

  /** Handles a stop at the load or free hook (the kernel is stopped there); returns what changed. */
  async onHook(kind: 'load' | 'free', thread: number): Promise<ModuleChange | undefined> {
    const gdb = this.gdb();
    if (kind === 'free') {
      const name = parseCharArray(miString((await gdb.send(mi.dataEvaluate('mod->name', thread, 0))).value) ?? '');
      const m = name ? this.loaded.get(moduleKey(name)) : undefined;
      if (!m || !name) return undefined;
      await gdb.console(mi.removeSymbolFile(m.text)).catch(() => undefined);
      this.loaded.delete(moduleKey(name));
      return { reason: 'removed', module: { id: moduleKey(name), name } };
    }
    const m = await readModule(gdb, thread);
    const old = this.loaded.get(moduleKey(m.name));
    if (old) await gdb.console(mi.removeSymbolFile(old.text)).catch(() => undefined);
    m.file = findModuleFile(m.name, [this.workspace()]);
    this.loaded.set(moduleKey(m.name), m);
    if (m.file) {
      await gdb.console(addSymbolFileCommand(m.file, m), 60_000);
      this.say(`Ring0: loaded symbols of module ${m.name} from ${path.relative(this.workspace(), m.file)} at 0x${m.text.toString(16)}`);
    }
    const module = { ...toDap(m), ...(m.file ? {} : { symbolStatus: 'No symbols: no matching .ko in the workspace' }) };
    return { reason: old ? 'changed' : 'new', module };
  }

  list(): DebugProtocol.Module[] {
    return [...this.loaded.values()].map(toDap);
  }
}

function toDap(m: LoadedModule): DebugProtocol.Module {
  return { id: moduleKey(m.name), name: m.name, path: m.file, addressRange: `0x${m.text.toString(16)}`, symbolStatus: m.file ? 'Symbols loaded' : 'No symbols' };
}
