// Typed command registration: every command id comes from manifest.ts, every handler gets the context.
import * as vscode from 'vscode';
import type { Commands } from './manifest';
import type { Ring0Context } from './context';
import { showUntrusted, UntrustedWorkspaceError } from './trust';

export type CommandFactory = (ctx: Ring0Context) => (...args: unknown[]) => unknown;

export function registerCommand(ctx: Ring0Context, id: Commands, factory: CommandFactory): void {
  const handler = factory(ctx);
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
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
