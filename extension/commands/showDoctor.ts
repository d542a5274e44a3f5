// Ring0: About / Doctor — opens the Doctor panel.
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { DoctorPanel } from '../../views/doctorPanel';
import { Commands } from '../manifest';

export const showDoctor: CommandFactory = (ctx) => () => {
  DoctorPanel.createOrShow(ctx.extension.extensionUri, () => void vscode.commands.executeCommand(Commands.Setup));
};
