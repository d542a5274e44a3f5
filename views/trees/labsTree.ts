// The Labs view: tracks → labs → objectives, with each objective's result from the last check.
import path from 'node:path';
import * as vscode from 'vscode';
import type { CatalogLab } from '../../labs/model/catalog';
import type { Progress } from '../../labs/model/progress';
import { ViewItems } from '../../extension/manifest';
import { Ring0Node } from './node';

class ObjectiveNode extends Ring0Node {
  constructor(text: string, result: { passed: boolean; message: string } | undefined, id: string) {
    super(text, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    if (!result) {
      this.iconPath = new vscode.ThemeIcon('circle-large-outline');
      this.tooltip = 'not checked yet';
    } else {
      this.iconPath = new vscode.ThemeIcon(result.passed ? 'pass' : 'error', new vscode.ThemeColor(result.passed ? 'testing.iconPassed' : 'testing.iconFailed'));
      this.description = result.passed ? '' : result.message;
      this.tooltip = result.message;
    }
  }
}

export class LabNode extends Ring0Node {
  constructor(readonly lab: CatalogLab, private readonly progress: Progress, workspace: string | undefined) {
    super(lab.title, vscode.TreeItemCollapsibleState.Collapsed);
    const p = progress[lab.id];
    const passed = p?.lastCheck?.passed;
    const done = p?.lastCheck?.objectives.filter((o) => o.passed).length ?? 0;
    this.description = passed ? 'done' : p?.started ? `${done}/${lab.objectives.length}` : 'not started';
    this.tooltip = new vscode.MarkdownString(`**${lab.title}**\n\n${lab.summary}\n\nFrom seed \`${lab.seed}\``);
    this.iconPath = new vscode.ThemeIcon(passed ? 'pass-filled' : p?.started ? 'beaker' : 'book', passed ? new vscode.ThemeColor('testing.iconPassed') : undefined);
    this.id = `lab.${lab.id}`;
    this.contextValue = p?.started ? ViewItems.LabStarted : ViewItems.Lab;
    if (p?.started && workspace) {
      this.command = { command: 'markdown.showPreview', title: 'Open Steps', arguments: [vscode.Uri.file(path.join(workspace, 'labs', lab.id, 'STEPS.md'))] };
    }
  }
  override children(): Ring0Node[] {
    const results = new Map(this.progress[this.lab.id]?.lastCheck?.objectives.map((o) => [o.id, o]) ?? []);
    return this.lab.objectives.map((o) => new ObjectiveNode(o.text, results.get(o.id), `lab.${this.lab.id}.${o.id}`));
  }
}

class TrackNode extends Ring0Node {
  constructor(track: string, private readonly labs: LabNode[]) {
    super(track, vscode.TreeItemCollapsibleState.Expanded);
    const done = labs.filter((l) => l.description === 'done').length;
    this.description = `${done}/${labs.length}`;
    this.iconPath = new vscode.ThemeIcon('mortar-board');
    this.id = `track.${track}`;
  }
  override children(): Ring0Node[] {
    return this.labs;
  }
}

export function labsRoots(labs: readonly CatalogLab[], progress: Progress, workspace: string | undefined): Ring0Node[] {
  const tracks = new Map<string, LabNode[]>();
  for (const l of labs) {
    const list = tracks.get(l.track) ?? [];
    list.push(new LabNode(l, progress, workspace));
    tracks.set(l.track, list);
  }
  return [...tracks].map(([t, nodes]) => new TrackNode(t, nodes));
}
