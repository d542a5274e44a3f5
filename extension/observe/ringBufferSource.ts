// The stream source of a ring buffer's (or perf event array's) records: decoded with the object's BTF,
// notes on which struct and why shown in the stream, and Decode as… to pick another struct.
import * as vscode from 'vscode';
import { streamMap } from '../../kernel/observe/stream';
import { recordRow, type AgentFactory, type StreamSource } from './streamSources';

/** Records of a ringbuf or perf_event_array map (id or pin path), decoded with the object's BTF; Decode as… picks the struct. */
export function ringBufferSource(connect: AgentFactory, ref: string, name: string, structName?: string): StreamSource {
  let chosen = structName;
  const candidates = new Map<number, string[]>();
  return {
    title: `Records: ${name}${structName ? ` as ${structName}` : ''}`,
    kind: 'events',
    description: structName
      ? vscode.l10n.t('Records of BPF map {0}, decoded as struct {1} from the object\'s BTF.', name, structName)
      : vscode.l10n.t('Records of BPF map {0}, decoded with the struct of their size from the object\'s BTF (the program\'s own, else the one its bpf_ringbuf_reserve call points to), hex otherwise.', name),
    async decodeAs() {
      type Item = vscode.QuickPickItem & { struct?: string };
      const items: Item[] = [{ label: vscode.l10n.t('Automatic'), description: vscode.l10n.t('the struct of each record\'s size, as Ring0 chooses it') }];
      for (const [size, structs] of candidates) {
        items.push({ label: vscode.l10n.t('{0}-byte records', size), kind: vscode.QuickPickItemKind.Separator });
        for (const st of structs) items.push({ label: `struct ${st}`, struct: st, ...(st === chosen ? { description: vscode.l10n.t('current') } : {}) });
      }
      const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Decode {0}\'s records as', name), placeHolder: candidates.size ? undefined : vscode.l10n.t('No record has arrived yet: only Automatic is known') });
      if (!pick) return false;
      chosen = pick.struct;
      return true;
    },
    async run(sink, signal) {
      const agent = await connect();
      try {
        sink.state('running', chosen ? vscode.l10n.t('Streaming {0} as struct {1}', name, chosen) : vscode.l10n.t('Streaming {0}', name));
        for await (const b of streamMap(agent, ref, { signal, ...(chosen ? { structName: chosen } : {}) })) {
          for (const c of b.candidates ?? []) candidates.set(c.size, c.structs);
          // Which struct records decode as and why, in the stream itself.
          if (b.notes?.length) sink.records(b.notes.map((n) => ({ t: Date.now(), text: vscode.l10n.t('note: {0}', n) })));
          if (b.records.length) sink.records(b.records.map((r) => recordRow(r)));
          sink.guestCounts({ agentDropped: b.counts.agentDropped, kernelLost: b.counts.kernelLost, malformed: b.counts.malformed });
          if (b.end) {
            const notes = b.end.notes;
            return `${b.end.records} records · delivered ${b.end.delivered}, agent dropped ${b.end.agentDropped}, kernel lost ${b.end.kernelLost}, malformed ${b.end.malformed}${notes.length ? ` · ${notes.join('; ')}` : ''}`;
          }
        }
        return 'the stream ended';
      } finally {
        agent.close();
      }
    },
  };
}
