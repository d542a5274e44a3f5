// Runs inside the real extension host on a plain folder (a C project without Kbuild): Ring0 does not
// activate by itself; activated by hand it shows no status item and starts no clangd, until the folder
// becomes a Ring0 workspace (a module Makefile appears): then both are there.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ring0Api } from '../../../extension/main';

const EXTENSION_ID = 'ring0.ring0';

/** Pids of processes named `name` that descend from this extension host. */
function descendantsNamed(name: string): number[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p && hops < 64; p = parent.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  return [...comm].filter(([pid, c]) => c === name && mine(pid)).map(([pid]) => pid);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Ring0 in a plain folder', () => {
  let root: string;
  let api: Ring0Api;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace folder');
    root = folder.uri.fsPath;
  });

  it('does not activate by itself', async () => {
    await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, 'src', 'main.c')));
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, false, 'Ring0 activated in a plain folder');
  });

  it('activated anyway (a command, a view), shows no status item and starts no clangd', async function () {
    this.timeout(30_000);
    api = (await vscode.extensions.getExtension<Ring0Api>(EXTENSION_ID)?.activate()) as Ring0Api;
    assert.ok(api, 'activate() returns the test API');
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, 'src', 'main.c')));
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(api.kernelWorkspace, false);
    assert.equal(api.statusBarShown, false);
    assert.equal(api.clangdPid, undefined);
    assert.deepEqual(descendantsNamed('clangd'), [], 'a clangd runs under the extension host');
  });

  it('becomes a Ring0 workspace when a module appears: status item and clangd', async function () {
    this.timeout(60_000);
    mkdirSync(path.join(root, 'hello'), { recursive: true });
    writeFileSync(path.join(root, 'hello', 'Makefile'), 'obj-m += hello.o\n');
    // Any VM view refresh looks again (a VM start does the same).
    await vscode.commands.executeCommand('ring0.vm.refresh');
    assert.equal(api.kernelWorkspace, true);
    assert.equal(api.statusBarShown, true);
    const pid = await until('clangd to start', () => api.clangdPid);
    assert.ok(descendantsNamed('clangd').includes(pid), `clangd ${pid} runs under the extension host`);
  });
});
