// Ring0: Refresh Labs View — re-reads the catalog (a lab being written), this machine's facts (KVM, QEMU devices) and the progress.
import type { CommandFactory } from '../registry';

export const labRefresh: CommandFactory = (ctx) => () => {
  ctx.labs.refresh(true);
};
