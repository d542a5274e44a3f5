// Ring0: Refresh VM View — re-reads the VM state and the guest's loaded modules.
import type { CommandFactory } from '../registry';

export const vmRefresh: CommandFactory = (ctx) => async () => {
  ctx.vm.refresh();
  await ctx.vm.loadModules(true);
};
