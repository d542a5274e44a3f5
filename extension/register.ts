// Wires every command and view to the context; the list of what Ring0 contributes at runtime.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import { Commands, Views } from './manifest';
import { registerCommand } from './registry';
import { showDoctor } from './commands/showDoctor';
import { setup } from './commands/setup';
import { showLog } from './commands/showLog';
import { vmStart } from './commands/vmStart';
import { vmStop } from './commands/vmStop';
import { vmRestart } from './commands/vmRestart';
import { vmOpenConsole } from './commands/vmOpenConsole';
import { vmRefresh } from './commands/vmRefresh';
import { vmOpenPanicLocation } from './commands/vmOpenPanicLocation';
import { registerStatusBar } from './statusBar';
import { build } from './commands/build';
import { buildAndLoad } from './commands/buildAndLoad';
import { kernelBuild } from './commands/kernelBuild';
import { elfRefresh } from './commands/elfRefresh';
import { Ring0TaskProvider, TASK_TYPE } from './build/taskProvider';
import { registerBuildWatch } from './build/watch';
import { elfRoots } from '../views/trees/elfTree';
import { bpfRoots } from '../views/trees/bpfTree';
import { BpfController } from './bpfController';
import { GuestAgent } from './observe/guestAgent';
import { bpftoolMapAccess } from './observe/mapAccess';
import { TracepointsController } from './observe/tracepoints';
import type { ObserveServices } from './observe/services';
import { bpfRefresh } from './commands/bpfRefresh';
import { bpfOpenMap } from './commands/bpfOpenMap';
import { bpfStreamMap } from './commands/bpfStreamMap';
import { bpfVerify } from './commands/bpfVerify';
import { registerVerifierCodeActions } from './build/verifierCodeActions';
import { registerKernelView } from './kernelView';
import { tracepointsClearFilter, tracepointsFilter, tracepointsRefresh, tracepointsSubscribe } from './commands/tracepoints';
import { bpftraceRun, bpftraceRunTool } from './commands/bpftraceRun';
import { tracepointRoots } from '../views/trees/tracepointsTree';
import { BpftraceToolsNode } from '../views/trees/bpftraceToolsTree';
import { listBpftraceTools } from '../kernel/observe/bpftraceTools';
import { labStart } from './commands/labStart';
import { labCheck } from './commands/labCheck';
import { labReset } from './commands/labReset';
import { labOpen } from './commands/labOpen';
import { labShowDashboard } from './commands/labShowDashboard';
import { labRefresh } from './commands/labRefresh';
import { registerLabTests } from './labTests';
import { LabNode, LabsTreeProvider } from '../views/trees/labsTree';
import { LabsDashboard } from '../views/labsDashboard';
import { SimpleTreeProvider } from '../views/trees/node';
import { vmTreeRoots } from '../views/trees/vmTree';
import { registerKernelDebug } from './debug/kernelDebug';
import { LiveWatchController } from './liveWatch/liveWatchController';
import { liveWatchAdd, liveWatchRemove } from './commands/liveWatch';
import { liveWatchRoots, type WatchNode } from '../views/trees/liveWatchTree';
import { registerLmTools } from './lmTools';

export function registerAll(ctx: Ring0Context): void {
  registerCommand(ctx, Commands.ShowDoctor, showDoctor);
  registerCommand(ctx, Commands.Setup, setup);
  registerCommand(ctx, Commands.ShowLog, showLog);

  registerCommand(ctx, Commands.VmStart, vmStart);
  registerCommand(ctx, Commands.VmStop, vmStop);
  registerCommand(ctx, Commands.VmRestart, vmRestart);
  registerCommand(ctx, Commands.VmOpenConsole, vmOpenConsole);
  registerCommand(ctx, Commands.VmRefresh, vmRefresh);
  registerCommand(ctx, Commands.VmOpenPanicLocation, vmOpenPanicLocation);

  const vmTree = new SimpleTreeProvider(() => vmTreeRoots(ctx.vm.snapshot));
  ctx.extension.subscriptions.push(vmTree, vscode.window.registerTreeDataProvider(Views.Vm, vmTree), ctx.vm.onDidChange(() => vmTree.refresh()));
  ctx.kernel.onActive(() => registerStatusBar(ctx));

  registerCommand(ctx, Commands.Build, build);
  registerCommand(ctx, Commands.BuildAndLoad, buildAndLoad);
  registerCommand(ctx, Commands.KernelBuild, kernelBuild);
  registerCommand(ctx, Commands.ElfRefresh, elfRefresh);
  ctx.extension.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, new Ring0TaskProvider(ctx)));
  registerBuildWatch(ctx);
  registerCommand(ctx, Commands.BpfVerify, bpfVerify);
  registerVerifierCodeActions(ctx.extension.subscriptions);
  registerKernelView(ctx);
  const elfTree = new SimpleTreeProvider(() => elfRoots(ctx.workspaceRoot()));
  ctx.extension.subscriptions.push(elfTree, vscode.window.registerTreeDataProvider(Views.Elf, elfTree), ctx.builds.onDidChangeOutputs(() => elfTree.refresh()));
  ctx.kernel.onActive(() => {
    // Outputs built from a terminal (`ring0 build`) count too.
    const outputs = vscode.workspace.createFileSystemWatcher('**/*.{ko,o}');
    ctx.extension.subscriptions.push(outputs, outputs.onDidCreate(() => elfTree.refresh()), outputs.onDidDelete(() => elfTree.refresh()));
  });

  registerObserve(ctx);

  registerKernelDebug(ctx);
  const watch = new LiveWatchController(ctx);
  const watchTree = new SimpleTreeProvider(() => liveWatchRoots(watch.expressions, watch.readings, watch.stateNote));
  const watchView = vscode.window.createTreeView(Views.LiveWatch, { treeDataProvider: watchTree });
  watch.isVisible = () => watchView.visible;
  ctx.extension.subscriptions.push(watch, watchTree, watchView, watch.onDidChange(() => watchTree.refresh()));
  registerCommand(ctx, Commands.LiveWatchAdd, () => (expression?: unknown) => liveWatchAdd(watch, expression));
  registerCommand(ctx, Commands.LiveWatchRemove, () => (node?: unknown) => liveWatchRemove(watch, node as WatchNode | undefined));

  registerCommand(ctx, Commands.LabsStart, labStart);
  registerCommand(ctx, Commands.LabsCheck, labCheck);
  registerCommand(ctx, Commands.LabsReset, labReset);
  registerCommand(ctx, Commands.LabsOpen, labOpen);
  registerCommand(ctx, Commands.LabsShowDashboard, labShowDashboard);
  registerCommand(ctx, Commands.LabsRefresh, labRefresh);
  registerLabTests(ctx);
  const labsTree = new LabsTreeProvider(() => ctx.labs.snapshot());
  const labsView = vscode.window.createTreeView(Views.Labs, { treeDataProvider: labsTree, showCollapseAll: true });
  ctx.labs.revealer = async (id) => {
    // Render the fresh roots first: reveal finds the lab's parent among them.
    await labsTree.getChildren();
    const summary = ctx.labs.snapshot().tracks.flatMap((t) => t.labs).find((l) => l.id === id);
    if (summary && labsView.visible) await labsView.reveal(new LabNode(summary), { expand: true, select: true, focus: false });
  };
  ctx.extension.subscriptions.push(labsTree, labsView, ctx.onDidChangeLabs(() => labsTree.refresh()),
    vscode.window.registerWebviewPanelSerializer(LabsDashboard.viewType, {
      deserializeWebviewPanel: async (panel) => LabsDashboard.revive(panel, ctx.extension.extensionUri, ctx.labs, ctx.log),
    }));
}

/** BPF view, map tables, Tracepoints view, streams and bpftrace: one shared agent connection. */
function registerObserve(ctx: Ring0Context): void {
  const guest = new GuestAgent(ctx);
  const bpf = new BpfController(ctx, guest);
  const tracepoints = new TracepointsController(ctx, guest);
  const obs: ObserveServices = { guest, bpf, tracepoints, maps: bpftoolMapAccess(() => guest.get()) };
  ctx.extension.subscriptions.push(guest, bpf, tracepoints);

  const bpfTree = new SimpleTreeProvider(() => bpfRoots(bpf.snapshot));
  const bpfView = vscode.window.createTreeView(Views.Bpf, { treeDataProvider: bpfTree });
  bpf.isVisible = () => bpfView.visible;
  ctx.extension.subscriptions.push(bpfTree, bpfView, bpf.onDidChange(() => bpfTree.refresh()),
    bpfView.onDidChangeVisibility((e) => void bpf.poll(e.visible)), ctx.builds.onDidChangeOutputs(() => void bpf.poll(true)));
  registerCommand(ctx, Commands.BpfRefresh, bpfRefresh(obs));
  registerCommand(ctx, Commands.BpfOpenMap, bpfOpenMap(obs));
  registerCommand(ctx, Commands.BpfStreamMap, bpfStreamMap(obs));

  // The tools run in the VM, so their group shows with the guest's tracepoints (no VM: the welcome content).
  const tpTree = new SimpleTreeProvider(async () => {
    const cats = tracepointRoots(await tracepoints.categories(), tracepoints.filter !== '');
    return obs.guest.running ? [new BpftraceToolsNode(listBpftraceTools()), ...cats] : cats;
  });
  const tpView = vscode.window.createTreeView(Views.Tracepoints, { treeDataProvider: tpTree });
  ctx.extension.subscriptions.push(tpTree, tpView, tracepoints.onDidChange(() => {
    tpTree.refresh();
    tpView.message = tracepoints.filter ? `Filter: ${tracepoints.filter}` : undefined;
  }));
  registerCommand(ctx, Commands.TracepointsRefresh, tracepointsRefresh(obs));
  registerCommand(ctx, Commands.TracepointsFilter, tracepointsFilter(obs));
  registerCommand(ctx, Commands.TracepointsClearFilter, tracepointsClearFilter(obs));
  registerCommand(ctx, Commands.TracepointsSubscribe, tracepointsSubscribe(obs));
  registerCommand(ctx, Commands.BpftraceRun, bpftraceRun(obs));
  registerCommand(ctx, Commands.BpftraceRunTool, bpftraceRunTool(obs));

  registerLmTools(ctx);
}
