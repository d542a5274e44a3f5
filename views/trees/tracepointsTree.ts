// The Tracepoints view: categories → events of the running guest's tracefs, with a filter; each event
// has a Subscribe action that opens a live stream of it. No VM: empty, so the welcome content shows.
import * as vscode from 'vscode';
import { Commands, ViewItems } from '../ids';
import type { TracepointCategory } from '../../kernel/observe/tracepoints';
import { Ring0Node } from './node';

class EventNode extends Ring0Node {
  constructor(category: string, event: string) {
    super(event, vscode.TreeItemCollapsibleState.None);
    const spec = `${category}:${event}`;
    this.id = `tp.${spec}`;
    this.tooltip = `${spec}\nSubscribe to stream its events`;
    this.iconPath = new vscode.ThemeIcon('symbol-event');
    this.contextValue = ViewItems.Tracepoint;
    this.command = { command: Commands.TracepointsSubscribe, title: 'Subscribe', arguments: [spec] };
  }
}

class CategoryNode extends Ring0Node {
  constructor(private readonly cat: TracepointCategory, expanded: boolean) {
    super(cat.name, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    // The id changes with the expansion default, so a new filter re-expands what it matched.
    this.id = `tpcat.${cat.name}.${expanded ? 'x' : 'c'}`;
    this.description = `${cat.events.length}`;
    this.iconPath = new vscode.ThemeIcon('folder');
    this.contextValue = ViewItems.TracepointCategory;
  }
  override children(): Ring0Node[] {
    return this.cat.events.map((e) => new EventNode(this.cat.name, e));
  }
}

export function tracepointRoots(cats: readonly TracepointCategory[], filtered: boolean): Ring0Node[] {
  const expand = filtered && cats.reduce((n, c) => n + c.events.length, 0) <= 200;
  return cats.map((c) => new CategoryNode(c, expand));
}
