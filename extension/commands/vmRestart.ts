// Ring0: Restart VM — stops and boots again (also the way out of a panic).
import type { CommandFactory } from '../registry';

export const vmRestart: CommandFactory = (ctx) => () => ctx.vm.restart();
