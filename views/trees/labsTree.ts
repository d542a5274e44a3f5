// The Labs view: tracks → labs → requirements and objectives, with each objective's pass/fail from the
// last check, requirement badges, and what to do when this machine cannot meet one. No labs: empty, so
// the view's welcome content shows.
import * as vscode from 'vscode';
import type { LabsSnapshot } from '../../labs/model/snapshot';
import type { LabSummary, TrackSummary } from '../../labs/model/status';
import type { RequirementStatus } from '../../labs/model/requirements';
import { Commands, ViewItems } from '../ids';
import { Ring0Node } from './node';

const passColor = () => new vscode.ThemeColor('testing.iconPassed');
const failColor = () => new vscode.ThemeColor('testing.iconFailed');

/** "3 min ago" style, for descriptions and the dashboard. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return iso;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

class ObjectiveNode extends Ring0Node {
  constructor(o: LabSummary['objectives'][number], id: string) {
    super(o.text, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    if (o.passed === undefined) {
      this.iconPath = new vscode.ThemeIcon('circle-large-outline');
      this.tooltip = `${o.text}\n\nNot checked yet.`;
    } else {
      this.iconPath = new vscode.ThemeIcon(o.passed ? 'pass' : 'error', o.passed ? passColor() : failColor());
      this.description = o.passed ? '' : o.message;
      this.tooltip = new vscode.MarkdownString(`**${o.passed ? 'Passed' : 'Failed'}:** ${escapeMd(o.text)}\n\n${escapeMd(o.message ?? '')}`);
    }
  }
}

class RequirementNode extends Ring0Node {
  constructor(r: RequirementStatus, id: string) {
    super(r.met ? r.label : `${r.label}: not on this machine`, vscode.TreeItemCollapsibleState.None);
    this.id = id;
    this.iconPath = new vscode.ThemeIcon(r.met ? 'check' : 'warning', r.met ? undefined : new vscode.ThemeColor('problemsWarningIcon.foreground'));
    this.description = r.met ? '' : r.detail;
    this.tooltip = r.detail;
  }
}

export class LabNode extends Ring0Node {
  constructor(readonly summary: LabSummary) {
    super(summary.title, vscode.TreeItemCollapsibleState.Collapsed);
    const s = summary;
    const unmet = s.requirements.filter((r) => !r.met);
    const state = s.status === 'passed' ? 'done' : s.status === 'failing' ? `${s.passedObjectives}/${s.totalObjectives}` : s.status === 'started' ? 'started' : 'not started';
    const when = s.lastCheck ? ` · checked ${ago(s.lastCheck.at)}` : '';
    const badges = s.requirements.map((r) => `${r.met ? '' : '⚠ '}${r.label}`);
    this.description = [state + when, ...badges].join(' · ');
    const md = new vscode.MarkdownString(`**${escapeMd(s.title)}**\n\n${escapeMd(s.summary)}\n\n`);
    if (s.lastCheck) md.appendMarkdown(`Last check ${new Date(s.lastCheck.at).toLocaleString()}: ${s.passedObjectives}/${s.totalObjectives} objectives pass.\n\n`);
    for (const r of s.requirements) md.appendMarkdown(`${r.met ? '✓' : '⚠'} **${escapeMd(r.label)}** — ${escapeMd(r.detail)}\n\n`);
    md.appendMarkdown(`From seed \`${s.seed}\``);
    this.tooltip = md;
    this.iconPath = s.status === 'passed' ? new vscode.ThemeIcon('pass-filled', passColor())
      : s.status === 'failing' ? new vscode.ThemeIcon('beaker', failColor())
        : unmet.length ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon(s.status === 'started' ? 'beaker' : 'book');
    this.id = `lab.${s.id}`;
    this.contextValue = s.status === 'not-started' ? ViewItems.Lab : ViewItems.LabStarted;
    // Clicking a started lab opens its steps; an unstarted one shows what it is about (the tooltip).
    if (s.status !== 'not-started') this.command = { command: Commands.LabsOpen, title: 'Open Lab', arguments: [s.id] };
  }
  override children(): Ring0Node[] {
    const s = this.summary;
    return [
      ...s.requirements.map((r) => new RequirementNode(r, `lab.${s.id}.req.${r.key}`)),
      ...s.objectives.map((o) => new ObjectiveNode(o, `lab.${s.id}.${o.id}`)),
    ];
  }
}

class TrackNode extends Ring0Node {
  constructor(t: TrackSummary, private readonly labs: LabNode[]) {
    super(t.track, vscode.TreeItemCollapsibleState.Expanded);
    this.description = `${t.passed}/${t.total} done${t.started > t.passed ? `, ${t.started - t.passed} in progress` : ''}`;
    this.iconPath = new vscode.ThemeIcon('mortar-board');
    this.id = `track.${t.track}`;
  }
  override children(): Ring0Node[] {
    return this.labs;
  }
}

class CatalogErrorNode extends Ring0Node {
  constructor(errors: string[]) {
    super(`${errors.length} lab(s) could not be loaded`, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('warning');
    this.description = errors[0];
    this.tooltip = errors.join('\n');
    this.id = 'labs.errors';
    this.command = { command: Commands.ShowLog, title: 'Show Log' };
  }
}

export function labsRoots(snap: Pick<LabsSnapshot, 'tracks' | 'errors'>): Ring0Node[] {
  if (snap.tracks.length === 0) return [];
  const roots: Ring0Node[] = snap.tracks.map((t) => new TrackNode(t, t.labs.map((l) => new LabNode(l))));
  if (snap.errors.length) roots.push(new CatalogErrorNode(snap.errors));
  return roots;
}

/** The Labs view's provider: knows each node's parent, so a checked lab can be revealed and expanded. */
export class LabsTreeProvider implements vscode.TreeDataProvider<Ring0Node> {
  private readonly changed = new vscode.EventEmitter<Ring0Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly parents = new Map<string, Ring0Node>();
  private readonly labNodes = new Map<string, LabNode>();

  constructor(private readonly snapshot: () => Pick<LabsSnapshot, 'tracks' | 'errors'>) {}

  refresh(): void {
    this.changed.fire(undefined);
  }
  getTreeItem(node: Ring0Node): vscode.TreeItem {
    return node;
  }
  async getChildren(node?: Ring0Node): Promise<Ring0Node[]> {
    const kids = node ? await node.children() : labsRoots(this.snapshot());
    if (!node) {
      this.parents.clear();
      this.labNodes.clear();
    }
    for (const k of kids) {
      if (node && k.id) this.parents.set(k.id, node);
      if (k instanceof LabNode) this.labNodes.set(k.summary.id, k);
      for (const g of k instanceof TrackNode ? k.children() : []) {
        if (g.id) this.parents.set(g.id, k);
        if (g instanceof LabNode) this.labNodes.set(g.summary.id, g);
      }
    }
    return kids;
  }
  getParent(node: Ring0Node): Ring0Node | undefined {
    return node.id ? this.parents.get(node.id) : undefined;
  }
  /** The current node of a lab (after the view has rendered once). */
  labNode(id: string): LabNode | undefined {
    return this.labNodes.get(id);
  }
  dispose(): void {
    this.changed.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
