// Ring0: Stop VM — powers the workspace VM off.
import type { CommandFactory } from '../registry';

export const vmStop: CommandFactory = (ctx) => () => ctx.vm.stop();
