// Ring0: Stream BPF Ring Buffer Records — from a ringbuf/perf_event_array map in the BPF view (clicking
// one does the same), or a pick of the VM's streamable maps: opens a stream panel of its decoded records.
import * as vscode from 'vscode';
import { StreamPanel } from '../../views/streamPanel';
import type { MapRef } from '../../views/mapTablePanel';
import type { ObserveServices } from '../observe/services';
import { ringBufferSource } from '../observe/streamSources';
import type { CommandFactory } from '../registry';

const STREAMABLE = new Set(['ringbuf', 'perf_event_array']);

export const bpfStreamMap = (obs: ObserveServices): CommandFactory => (ctx) => async (arg?: unknown) => {
  if (!obs.guest.running) throw new Error("no VM is running; start it with 'Ring0: Start VM', then load a BPF program with a ring buffer");
  let ref = typeof arg === 'object' && arg !== null && typeof (arg as MapRef).id === 'number' ? (arg as MapRef) : undefined;
  if (!ref) {
    await obs.bpf.poll(true);
    const maps = [...obs.bpf.snapshot.maps.values()].filter((m) => STREAMABLE.has(m.type));
    if (maps.length === 0) throw new Error('no ring buffer or perf event array is loaded in the VM (samples/workspace/bpf/exec_events.bpf.c has both)');
    const pick = await vscode.window.showQuickPick(maps.map((m) => ({ label: m.name || `map ${m.id}`, description: `${m.type} · id ${m.id}`, ref: { id: m.id, name: m.name || `map ${m.id}`, ...(m.pinned ? { pinned: m.pinned } : {}) } })), { title: 'Stream BPF Ring Buffer Records' });
    if (!pick) return;
    ref = pick.ref;
  }
  StreamPanel.createOrShow(ctx.extension.extensionUri, ringBufferSource(() => obs.guest.dedicated(), ref.pinned ?? String(ref.id), ref.name), ctx.log);
};
