// Ring0: Refresh Labs View — re-reads the catalog (a lab being written) and this workspace's progress.
import type { CommandFactory } from '../registry';

export const labRefresh: CommandFactory = (ctx) => () => {
  ctx.labs.refresh(true);
};
