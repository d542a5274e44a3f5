// Ring0: Refresh BPF View — polls the guest now instead of at the next tick.
import type { ObserveServices } from '../observe/services';
import type { CommandFactory } from '../registry';

export const bpfRefresh = (obs: ObserveServices): CommandFactory => () => () => obs.bpf.poll(true);
