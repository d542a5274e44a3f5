// Variables through gdb variable objects (-var-create / -var-list-children): they expand structs,
// arrays and pointers lazily and never stall on an optimized-out local the way
// -stack-list-variables --simple-values once did (~20 s at fs/open.c:1320).
import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple, type MiTuple } from '../mi/parser';
import type { RegisterGroupName } from '../engine/registers';

export type VarRef =
  | { kind: 'locals'; thread: number; frame: number }
  | { kind: 'registers'; thread: number; frame: number; group: RegisterGroupName }
  | { kind: 'var'; name: string; thread?: number; frame?: number; evaluateName: string };

/** Arrays with more elements than this are paged (DAP indexedVariables). */
const PAGE_THRESHOLD = 100;

export class VariableStore {
  private handles = new Handles<VarRef>();
  private created: string[] = [];
  /** varobj name of each (parent reference, child name), for setVariable. */
  private readonly byParent = new Map<string, string>();
  /** evaluateName and frame of each (parent reference, child name), for data breakpoints. */
  private readonly shown = new Map<string, { evaluateName: string; thread?: number; frame?: number }>();

  /** Forgets everything of the last stop; returns the variable objects to delete in gdb. */
  reset(): string[] {
    this.handles.reset();
    this.byParent.clear();
    this.shown.clear();
    const stale = this.created;
    this.created = [];
    return stale;
  }

  scope(ref: VarRef): number {
    return this.handles.create(ref);
  }

  get(ref: number): VarRef | undefined {
    return this.handles.get(ref);
  }

  async locals(gdb: GdbProcess, thread: number, frame: number): Promise<DebugProtocol.Variable[]> {
    const r = await gdb.send(mi.stackListVariables(thread, frame));
    const names = miList(r.variables).map((v) => miString(miTuple(v)?.name)).filter((n): n is string => !!n);
    // Entry values (`how@entry`) go right after their argument; gdb only lists them with values.
    for (const e of await entryValues(gdb, thread, frame)) {
      const at = names.indexOf(e.slice(0, -'@entry'.length));
      if (at >= 0 && !names.includes(e)) names.splice(at + 1, 0, e);
    }
    const out: DebugProtocol.Variable[] = [];
    for (const name of names) {
      try {
        const created = await gdb.send(mi.varCreate(name, thread, frame));
        out.push(this.toVariable(created, name, name, { thread, frame }, `locals:${thread}:${frame}`));
      } catch (e) {
        out.push({ name, value: `<${(e as Error).message}>`, variablesReference: 0 });
      }
    }
    return out;
  }

  async children(gdb: GdbProcess, ref: Extract<VarRef, { kind: 'var' }>, start?: number, count?: number): Promise<DebugProtocol.Variable[]> {
    const range = start !== undefined && count ? ` ${start} ${start + count}` : '';
    const r = await gdb.send(mi.varListChildren(ref.name) + range);
    return miList(r.children).map((c) => {
      const t = miTuple(c) ?? {};
      const exp = miString(t.exp) ?? '?';
      const isIndex = /^\d+$/.test(exp);
      const evaluateName = isIndex ? `${ref.evaluateName}[${exp}]` : `(${ref.evaluateName}).${exp}`;
      return this.toVariable(t, isIndex ? `[${exp}]` : exp, evaluateName, { thread: ref.thread, frame: ref.frame }, ref.name, false);
    });
  }

  async evaluate(gdb: GdbProcess, expression: string, thread?: number, frame?: number): Promise<{ result: string; type?: string; variablesReference: number; indexedVariables?: number; memoryReference?: string }> {
    const created = await gdb.send(mi.varCreate(expression, thread, frame));
    const v = this.toVariable(created, expression, expression, { thread, frame }, 'evaluate');
    return { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
  }

  /** The expression (and frame) of child NAME of PARENT as last shown. */
  shownAs(parent: VarRef, name: string): { evaluateName: string; thread?: number; frame?: number } | undefined {
    return this.shown.get(`${parentKey(parent)}/${name}`);
  }

  /** Assigns VALUE to EXPRESSION (a watch expression, e.g. a kernel global) and shows it afresh. */
  async setExpression(gdb: GdbProcess, expression: string, value: string, thread?: number, frame?: number): Promise<Awaited<ReturnType<VariableStore['evaluate']>>> {
    const created = await gdb.send(mi.varCreate(expression, thread, frame));
    const varobj = miString(created.name) ?? '';
    this.created.push(varobj);
    await gdb.send(mi.varAssign(varobj, value));
    return this.evaluate(gdb, expression, thread, frame);
  }

  async assign(gdb: GdbProcess, parent: VarRef, name: string, value: string): Promise<{ value: string }> {
    const varobj = this.byParent.get(`${parentKey(parent)}/${name}`);
    if (!varobj) throw new Error(`cannot set ${name}: expand it again after the last step`);
    const r = await gdb.send(mi.varAssign(varobj, value));
    return { value: miString(r.value) ?? value };
  }

  private toVariable(t: MiTuple, display: string, evaluateName: string, at: { thread?: number; frame?: number }, parentKey: string, owned = true): DebugProtocol.Variable {
    const varobj = miString(t.name) ?? '';
    if (owned && varobj) this.created.push(varobj);
    this.byParent.set(`${parentKey}/${display}`, varobj);
    this.shown.set(`${parentKey}/${display}`, { evaluateName, ...at });
    const numchild = miNumber(t.numchild) ?? 0;
    const type = miString(t.type);
    const value = miString(t.value) ?? (numchild > 0 ? (type?.endsWith(']') ? `[${numchild}]` : '{...}') : '');
    const expandable = numchild > 0 || miString(t.dynamic) === '1';
    const ref = expandable ? this.handles.create({ kind: 'var', name: varobj, ...at, evaluateName }) : 0;
    const isArray = !!type && /\[\d+\]$/.test(type);
    const pointer = /^(0x[0-9a-f]+)/.exec(value)?.[1];
    return {
      name: display,
      value,
      type,
      evaluateName,
      variablesReference: ref,
      ...(isArray && numchild > PAGE_THRESHOLD ? { indexedVariables: numchild } : {}),
      ...(pointer ? { memoryReference: pointer } : {}),
    };
  }
}

function parentKey(parent: VarRef): string {
  return parent.kind === 'var' ? parent.name : `${parent.kind}:${parent.thread}:${parent.frame}`;
}

/** The `NAME@entry` arguments gdb knows an entry value for in FRAME (none when it cannot say). */
async function entryValues(gdb: GdbProcess, thread: number, frame: number): Promise<string[]> {
  try {
    const r = await gdb.send(mi.stackListArguments(thread, frame));
    const args = miList(miTuple(miList(r['stack-args'])[0])?.args);
    return args.map((a) => miString(miTuple(a)?.name) ?? '').filter((n) => n.endsWith('@entry'));
  } catch {
    return [];
  }
}
