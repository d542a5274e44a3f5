// Ring0: Stream BPF Ring Buffer Records — from a ringbuf/perf_event_array map in the BPF view (clicking
// one does the same; records decode as the struct of their size: the program's own, else the call site's), or from the palette: a pick of the
// VM's streamable maps and, optionally, the struct to decode records as. Opens a stream panel.
import * as vscode from 'vscode';
import { StreamPanel } from '../../views/streamPanel';
import type { MapRef } from '../../views/mapTablePanel';
import type { ObserveServices } from '../observe/services';
import { ringBufferSource } from '../observe/ringBufferSource';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

const STREAMABLE = new Set(['ringbuf', 'perf_event_array']);

export const bpfStreamMap = (obs: ObserveServices): CommandFactory<CommandArgs[Commands.BpfStreamMap]> => (ctx) => async (arg) => {
  if (!obs.guest.running) throw new Error("no VM is running; start it with 'Ring0: Start VM', then load a BPF program with a ring buffer");
  let structName: string | undefined;
  let ref = typeof arg === 'object' && arg !== null && typeof (arg as MapRef).id === 'number' ? (arg as MapRef) : undefined;
  if (!ref) {
    await obs.bpf.poll(true);
    const maps = [...obs.bpf.snapshot.maps.values()].filter((m) => STREAMABLE.has(m.type));
    if (maps.length === 0) throw new Error('no ring buffer or perf event array is loaded in the VM (samples/workspace/bpf/exec_events.bpf.c has both)');
    const pick = await vscode.window.showQuickPick(maps.map((m) => ({ label: m.name || `map ${m.id}`, description: `${m.type} · id ${m.id}`, ref: { id: m.id, name: m.name || `map ${m.id}`, ...(m.pinned ? { pinned: m.pinned } : {}) } })), { title: vscode.l10n.t('Stream BPF Ring Buffer Records') });
    if (!pick) return;
    ref = pick.ref;
    const struct = await vscode.window.showInputBox({
      title: vscode.l10n.t('Decode {0}\'s records as', ref.name),
      prompt: vscode.l10n.t('A struct from the object\'s BTF (e.g. exec_event); empty: the struct of each record\'s size (the program\'s own, else the one its bpf_ringbuf_reserve call points to)'),
      validateInput: (t) => (t.trim() === '' || /^[A-Za-z_]\w*$/.test(t.trim()) ? undefined : 'a C struct name'),
    });
    if (struct === undefined) return;
    structName = struct.trim() || undefined;
  }
  StreamPanel.createOrShow(ctx.extension.extensionUri, ringBufferSource(() => obs.guest.dedicated(), ref.pinned ?? String(ref.id), ref.name, structName), ctx.log);
};
