// Ring0: Open BPF Map Table — from a map in the BPF view, or a pick of the VM's maps from the palette.
import * as vscode from 'vscode';
import { MapTablePanel, type MapRef } from '../../views/mapTablePanel';
import type { ObserveServices } from '../observe/services';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

function isMapRef(v: unknown): v is MapRef {
  return typeof v === 'object' && v !== null && typeof (v as MapRef).id === 'number' && typeof (v as MapRef).name === 'string';
}

export const bpfOpenMap = (obs: ObserveServices): CommandFactory<CommandArgs[Commands.BpfOpenMap]> => (ctx) => {
  const open = async (arg?: MapRef | number): Promise<void> => {
    let ref: MapRef | undefined = isMapRef(arg) ? arg : undefined;
    if (typeof arg === 'number') ref = refById(obs, arg);
    if (!ref) {
      if (!obs.guest.running) throw new Error("no VM is running; start it with 'Ring0: Start VM', then load a BPF program");
      await obs.bpf.poll(true);
      const maps = [...obs.bpf.snapshot.maps.values()];
      if (maps.length === 0) throw new Error('no BPF maps are loaded in the VM; build and load a .bpf.c program first');
      const pick = await vscode.window.showQuickPick(maps.map((m) => ({ label: m.name || `map ${m.id}`, description: `${m.type} · id ${m.id}`, detail: m.pinned, id: m.id })), { title: vscode.l10n.t('Open BPF Map Table') });
      if (!pick) return;
      ref = refById(obs, pick.id);
    }
    if (ref) MapTablePanel.createOrShow(ctx.extension.extensionUri, obs.maps, ref, (id) => void open(id));
  };
  return open;
};

function refById(obs: ObserveServices, id: number): MapRef {
  const m = obs.bpf.snapshot.maps.get(id);
  return { id, name: m?.name || `map ${id}`, ...(m?.pinned ? { pinned: m.pinned } : {}) };
}
