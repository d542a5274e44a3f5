// The one small base class every Ring0 tree node derives from.
import * as vscode from 'vscode';

export abstract class Ring0Node extends vscode.TreeItem {
  children(): Ring0Node[] | Promise<Ring0Node[]> {
    return [];
  }
}

/** A provider whose roots come from one function; an empty result shows the view's welcome content. */
export class SimpleTreeProvider implements vscode.TreeDataProvider<Ring0Node> {
  private readonly changed = new vscode.EventEmitter<Ring0Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly roots: () => Ring0Node[] | Promise<Ring0Node[]>) {}

  refresh(): void {
    this.changed.fire(undefined);
  }
  getTreeItem(node: Ring0Node): vscode.TreeItem {
    return node;
  }
  getChildren(node?: Ring0Node): Ring0Node[] | Promise<Ring0Node[]> {
    return node ? node.children() : this.roots();
  }
  dispose(): void {
    this.changed.dispose();
  }
}
