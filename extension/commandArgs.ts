// What each Ring0 command takes, by id (in the manner of js-debug's command map): registration and
// every programmatic call are checked against it. Handlers still check their arguments at run time,
// because command links and other extensions can pass anything.
import * as vscode from 'vscode';
import type { MapRef } from '../views/mapTablePanel';
import type { LabNode } from '../views/trees/labsTree';
import type { WatchNode } from '../views/trees/liveWatchTree';
import { Commands } from './manifest';

export interface CommandArgs {
  [Commands.VmOpenPanicLocation]: [file?: string, line?: number];
  [Commands.LabsStart]: [lab?: string | LabNode];
  [Commands.LabsCheck]: [lab?: string | LabNode];
  [Commands.LabsReset]: [lab?: string | LabNode];
  [Commands.LabsOpen]: [lab?: string | LabNode];
  [Commands.LiveWatchAdd]: [expression?: string];
  [Commands.LiveWatchRemove]: [node?: WatchNode];
  [Commands.BpfOpenMap]: [map?: MapRef | number];
  [Commands.BpfStreamMap]: [map?: MapRef];
  [Commands.TracepointsSubscribe]: [spec?: string];
  [Commands.BpftraceRun]: [script?: vscode.Uri];
}

/** A command's arguments; a command missing from the map takes none. */
export type ArgsOf<K extends Commands> = K extends keyof CommandArgs ? CommandArgs[K] : [];

/** vscode.commands.executeCommand for Ring0's own commands, with their argument types checked. */
export function runCommand<K extends Commands>(id: K, ...args: ArgsOf<K>): Thenable<unknown> {
  return vscode.commands.executeCommand(id, ...args);
}
