// The ids of Ring0's commands, views, context keys and tree items, shared by the extension (which
// declares them in extension/manifest.ts) and the views (which put them on tree items and buttons).

export const enum Commands {
  ShowDoctor = 'ring0.showDoctor',
  Setup = 'ring0.setup',
  ShowLog = 'ring0.showLog',
  VmStart = 'ring0.vm.start',
  VmStop = 'ring0.vm.stop',
  VmRestart = 'ring0.vm.restart',
  VmOpenConsole = 'ring0.vm.openConsole',
  VmRefresh = 'ring0.vm.refresh',
  VmOpenPanicLocation = 'ring0.vm.openPanicLocation',
  Build = 'ring0.build',
  BuildAndLoad = 'ring0.buildAndLoad',
  KernelBuild = 'ring0.kernel.build',
  ElfRefresh = 'ring0.elf.refresh',
  LabsStart = 'ring0.labs.start',
  LabsCheck = 'ring0.labs.check',
  LabsReset = 'ring0.labs.reset',
  LabsOpen = 'ring0.labs.open',
  LabsShowDashboard = 'ring0.labs.showDashboard',
  LabsRefresh = 'ring0.labs.refresh',
  LiveWatchAdd = 'ring0.liveWatch.add',
  LiveWatchRemove = 'ring0.liveWatch.remove',
  BpfRefresh = 'ring0.bpf.refresh',
  BpfOpenMap = 'ring0.bpf.openMap',
  BpfStreamMap = 'ring0.bpf.streamMap',
  BpfVerify = 'ring0.bpf.verify',
  KernelRefresh = 'ring0.kernel.refresh',
  KernelFilterTasks = 'ring0.kernel.filterTasks',
  KernelDmesg = 'ring0.kernel.dmesg',
  VmDump = 'ring0.vm.dump',
  DumpOpen = 'ring0.dump.open',
  DumpDelete = 'ring0.dump.delete',
  TracepointsRefresh = 'ring0.tracepoints.refresh',
  TracepointsFilter = 'ring0.tracepoints.filter',
  TracepointsClearFilter = 'ring0.tracepoints.clearFilter',
  TracepointsSubscribe = 'ring0.tracepoints.subscribe',
  BpftraceRun = 'ring0.bpftrace.run',
  BpftraceRunTool = 'ring0.bpftrace.runTool',
}

export const enum Views {
  Vm = 'ring0.vm',
  Bpf = 'ring0.bpf',
  Tracepoints = 'ring0.tracepoints',
  Labs = 'ring0.labs',
  Elf = 'ring0.elf',
  LiveWatch = 'ring0.liveWatch',
  Kernel = 'ring0.kernel',
}

/** Context keys Ring0 sets with `setContext`; package.json's `when` clauses may use only these. */
export const enum ContextKeys {
  VmState = 'ring0.vmState',
  Activated = 'ring0.activated',
  /** A filter is set on the Tracepoints view. */
  TracepointsFiltered = 'ring0.tracepointsFiltered',
  /** The folder is a Ring0 workspace (extension/workspaceKind.ts): status bar and editor buttons show. */
  KernelWorkspace = 'ring0.kernelWorkspace',
}

/** `contextValue`s of tree items, which menus match with `viewItem == …`. */
export const enum ViewItems {
  Lab = 'ring0.lab',
  LabStarted = 'ring0.lab.started',
  BpfObject = 'ring0.bpfObject',
  LiveWatch = 'ring0.liveWatch.item',
  BpfProgram = 'ring0.bpfProgram',
  BpfMap = 'ring0.bpfMap',
  /** Ring buffers and perf event arrays: streamable, not tabular. */
  BpfStreamMap = 'ring0.bpfStreamMap',
  TracepointCategory = 'ring0.tracepointCategory',
  Tracepoint = 'ring0.tracepoint',
  Dump = 'ring0.dump',
  BpftraceTools = 'ring0.bpftraceTools',
  BpftraceTool = 'ring0.bpftraceTool',
}
