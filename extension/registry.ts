// Typed command registration: every command id comes from manifest.ts, every handler gets the context
// and the arguments commandArgs.ts declares for its id.
import * as vscode from 'vscode';
import type { Commands } from './manifest';
import type { Ring0Context } from './context';
import type { ArgsOf } from './commandArgs';
import { showUntrusted, UntrustedWorkspaceError } from './trust';

export type CommandFactory<A extends unknown[] = []> = (ctx: Ring0Context) => (...args: A) => unknown;

export function registerCommand<K extends Commands>(ctx: Ring0Context, id: K, factory: CommandFactory<ArgsOf<K>>): void {
  const handler = factory(ctx);
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // What VS Code hands over is only as typed as its caller; each handler checks what it uses.
        return await handler(...(args as ArgsOf<K>));
      } catch (e) {
        if (e instanceof UntrustedWorkspaceError) {
          ctx.log.info(`${id}: ${e.message}`);
          void showUntrusted(e);
          return undefined;
        }
        const message = e instanceof Error ? e.message : String(e);
        ctx.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Ring0: ${message}`, vscode.l10n.t('Show Log')).then((pick) => pick && ctx.log.show());
        return undefined;
      }
    }),
  );
}
