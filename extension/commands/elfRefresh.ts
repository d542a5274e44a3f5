// Ring0: Refresh ELF View — re-reads the workspace's build outputs.
import type { CommandFactory } from '../registry';

export const elfRefresh: CommandFactory = (ctx) => () => ctx.builds.refreshOutputs();
