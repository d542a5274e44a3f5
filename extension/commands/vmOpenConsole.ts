// Ring0: Open VM Console — a terminal attached to the guest's serial console.
import type { CommandFactory } from '../registry';

export const vmOpenConsole: CommandFactory = (ctx) => () => ctx.vm.openConsole();
