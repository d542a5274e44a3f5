// The one TypeScript declaration of Ring0's commands, views, context keys and settings; a unit test
// checks it against package.json's `contributes`. Free of the vscode API so plain node can load it.
import { Commands, ContextKeys, ViewItems, Views } from '../views/ids';

export { Commands, ContextKeys, ViewItems, Views };

export interface CommandDecl {
  id: Commands;
  title: string;
  icon?: string;
  /** Commands that only make sense from a tree item stay out of the palette. */
  hiddenFromPalette?: boolean;
}

export const COMMANDS: readonly CommandDecl[] = [
  { id: Commands.ShowDoctor, title: 'About / Doctor' },
  { id: Commands.Setup, title: 'Install Missing Dependencies' },
  { id: Commands.ShowLog, title: 'Show Log' },
  { id: Commands.VmStart, title: 'Start VM', icon: '$(play)' },
  { id: Commands.VmStop, title: 'Stop VM', icon: '$(debug-stop)' },
  { id: Commands.VmRestart, title: 'Restart VM', icon: '$(debug-restart)' },
  { id: Commands.VmOpenConsole, title: 'Open VM Console', icon: '$(terminal)' },
  { id: Commands.VmRefresh, title: 'Refresh VM View', icon: '$(refresh)' },
  { id: Commands.VmOpenPanicLocation, title: 'Open Panic Location', hiddenFromPalette: true },
  { id: Commands.Build, title: 'Build Module or BPF Program', icon: '$(tools)' },
  { id: Commands.BuildAndLoad, title: 'Build and Load into VM', icon: '$(run)' },
  { id: Commands.KernelBuild, title: 'Build Your Kernel', icon: '$(tools)' },
  { id: Commands.ElfRefresh, title: 'Refresh ELF View', icon: '$(refresh)' },
  { id: Commands.LabsStart, title: 'Start Lab', icon: '$(play)' },
  { id: Commands.LabsCheck, title: 'Check Lab', icon: '$(beaker)' },
  { id: Commands.LabsReset, title: 'Reset Lab', icon: '$(discard)' },
  { id: Commands.LabsOpen, title: 'Open Lab', icon: '$(go-to-file)' },
  { id: Commands.LabsShowDashboard, title: 'Show Lab Dashboard', icon: '$(dashboard)' },
  { id: Commands.LabsRefresh, title: 'Refresh Labs View', icon: '$(refresh)' },
  { id: Commands.LiveWatchAdd, title: 'Add Live Watch Expression', icon: '$(add)' },
  { id: Commands.LiveWatchRemove, title: 'Remove Live Watch Expression', icon: '$(close)', hiddenFromPalette: true },
  { id: Commands.BpfRefresh, title: 'Refresh BPF View', icon: '$(refresh)' },
  { id: Commands.BpfOpenMap, title: 'Open BPF Map Table', icon: '$(table)' },
  { id: Commands.BpfStreamMap, title: 'Stream BPF Ring Buffer Records', icon: '$(pulse)' },
  { id: Commands.BpfVerify, title: 'Explain BPF Verifier Result', icon: '$(checklist)' },
  { id: Commands.TracepointsRefresh, title: 'Refresh Tracepoints', icon: '$(refresh)' },
  { id: Commands.TracepointsFilter, title: 'Filter Tracepoints', icon: '$(filter)' },
  { id: Commands.TracepointsClearFilter, title: 'Clear Tracepoint Filter', icon: '$(clear-all)' },
  { id: Commands.TracepointsSubscribe, title: 'Subscribe to Tracepoint', icon: '$(pulse)' },
  { id: Commands.BpftraceRun, title: 'Run bpftrace File in VM', icon: '$(play)' },
  { id: Commands.KernelRefresh, title: 'Refresh Kernel View', icon: '$(refresh)' },
  { id: Commands.KernelFilterTasks, title: 'Filter Kernel Tasks', icon: '$(filter)' },
  { id: Commands.KernelDmesg, title: 'Open Kernel Log (dmesg)', icon: '$(output)' },
  { id: Commands.VmDump, title: 'Save Crash Dump of the VM', icon: '$(save)' },
  { id: Commands.DumpOpen, title: 'Open Crash Dump in crash', icon: '$(terminal)', hiddenFromPalette: true },
  { id: Commands.DumpDelete, title: 'Delete Crash Dump', icon: '$(trash)', hiddenFromPalette: true },
  { id: Commands.BpftraceRunTool, title: 'Run bpftrace Tool in VM', icon: '$(play)' },
];

export const COMMAND_CATEGORY = 'Ring0';

export const VIEW_CONTAINER = 'ring0';

export const VIEWS: readonly { id: Views; name: string }[] = [
  { id: Views.Vm, name: 'VM' },
  { id: Views.Bpf, name: 'BPF' },
  { id: Views.Tracepoints, name: 'Tracepoints' },
  { id: Views.Labs, name: 'Labs' },
  { id: Views.Elf, name: 'ELF' },
  { id: Views.LiveWatch, name: 'Live Watch' },
  { id: Views.Kernel, name: 'Kernel' },
];

export const CONTEXT_KEYS: readonly ContextKeys[] = [ContextKeys.VmState, ContextKeys.Activated, ContextKeys.TracepointsFiltered, ContextKeys.KernelWorkspace];

export const VIEW_ITEMS: readonly ViewItems[] = [
  ViewItems.Lab, ViewItems.LabStarted, ViewItems.BpfObject, ViewItems.BpfProgram, ViewItems.BpfMap, ViewItems.BpfStreamMap,
  ViewItems.TracepointCategory, ViewItems.Tracepoint, ViewItems.BpftraceTools, ViewItems.BpftraceTool, ViewItems.LiveWatch, ViewItems.Dump,
];

export const DEBUG_TYPE = 'ring0-kernel';

/** The walkthrough (contributes.walkthroughs) and the commands whose use completes its steps. */
export const WALKTHROUGH = 'ring0.firstLab';
export const WALKTHROUGH_LAB = 'module-hello';

/** Settings under `ring0.`; the ones whose change only applies to the next VM boot say so. */
export const SETTINGS: readonly { key: string; needsVmRestart: boolean }[] = [
  { key: 'ring0.vm.kernel', needsVmRestart: true },
  { key: 'ring0.vm.memoryMiB', needsVmRestart: true },
  { key: 'ring0.vm.cpus', needsVmRestart: true },
  { key: 'ring0.vm.accel', needsVmRestart: true },
  { key: 'ring0.vm.kernelArgs', needsVmRestart: true },
  { key: 'ring0.vm.qemuArgs', needsVmRestart: true },
  { key: 'ring0.vm.shareHostRoot', needsVmRestart: true },
  { key: 'ring0.vm.devices', needsVmRestart: true },
  { key: 'ring0.dumps.keep', needsVmRestart: true },
  { key: 'ring0.kernel.source', needsVmRestart: false },
  { key: 'ring0.kernel.buildDir', needsVmRestart: false },
  { key: 'ring0.kernel.profile', needsVmRestart: false },
  { key: 'ring0.clangd.enabled', needsVmRestart: false },
  { key: 'ring0.clangd.path', needsVmRestart: false },
  { key: 'ring0.build.watch', needsVmRestart: false },
  { key: 'ring0.explorer.hideKbuildFiles', needsVmRestart: false },
];
