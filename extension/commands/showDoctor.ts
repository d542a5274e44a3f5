// Ring0: About / Doctor — opens the Doctor panel.
import type { CommandFactory } from '../registry';
import { DoctorPanel } from '../../views/doctorPanel';
import { Commands } from '../manifest';
import { runCommand } from '../commandArgs';

export const showDoctor: CommandFactory = (ctx) => () => {
  DoctorPanel.createOrShow(ctx.extension.extensionUri, () => void runCommand(Commands.Setup));
};
