// Ring0: Show Log — reveals the Ring0 output channel.
import type { CommandFactory } from '../registry';

export const showLog: CommandFactory = (ctx) => () => ctx.log.show();
