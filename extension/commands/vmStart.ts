// Ring0: Start VM — boots the workspace VM with a progress notification.
import type { CommandFactory } from '../registry';

export const vmStart: CommandFactory = (ctx) => () => ctx.vm.start();
