// Ring0: Show Lab Dashboard — opens the lab dashboard webview.
import type { CommandFactory } from '../registry';
import { LabsDashboard } from '../../views/labsDashboard';

export const labShowDashboard: CommandFactory = (ctx) => () => {
  LabsDashboard.createOrShow(ctx.extension.extensionUri, ctx.labs, ctx.log);
};
