// Loads a BPF object in the running VM with the static libbpf loader (kernel/bpf/loader.ts) and turns
// a verifier rejection into diagnostics on the user's source lines.
import type { AgentClient } from '../agent/client';
import type { Diagnostic } from './diagnostics';

export interface BpfLoadResult {
  ok: boolean;
  kind: 'bpf';
  name: string;
  path: string;
  programs: { name: string; id?: number; section?: string; attachPoint?: string }[];
  maps: { name: string; id?: number }[];
  diagnostics: Diagnostic[];
  error?: string;
}

export interface BpfUnloadResult {
  ok: boolean;
  kind: 'bpf';
  name: string;
  error?: string;
}

export async function loadBpf(_agent: AgentClient, o: { object: string; iface?: string; uprobeTarget?: string }): Promise<BpfLoadResult> {
  const name = o.object.replace(/^.*\//, '').replace(/\.bpf\.o$|\.o$/, '');
  return { ok: false, kind: 'bpf', name, path: o.object, programs: [], maps: [], diagnostics: [], error: 'the BPF loader is not available in this build yet' };
}

export async function unloadBpf(_agent: AgentClient, name: string): Promise<BpfUnloadResult> {
  return { ok: false, kind: 'bpf', name, error: `no module named ${name} is loaded (and the BPF loader is not available in this build yet)` };
}
