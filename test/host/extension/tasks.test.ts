// Runs inside the real extension host (mocha): the ring0 task type lists a workspace's build targets,
// and running a broken module's task puts the compiler error on its line through the problem matcher.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const BROKEN = [
  '#include <linux/module.h>',
  'static int __init broken_init(void)',
  '{',
  '\treturn 0',
  '}',
  'module_init(broken_init);',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

describe('ring0 tasks in the extension host', () => {
  let root: string;
  before(async () => {
    await vscode.extensions.getExtension('ring0.ring0')?.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace folder');
    root = folder.uri.fsPath;
    mkdirSync(path.join(root, 'broken'), { recursive: true });
    writeFileSync(path.join(root, 'broken', 'Makefile'), 'obj-m += broken.o\n');
    writeFileSync(path.join(root, 'broken', 'broken.c'), BROKEN);
    mkdirSync(path.join(root, 'bpf'), { recursive: true });
    writeFileSync(path.join(root, 'bpf', 'probe.bpf.c'), '');
  });

  it('offers one build task per module directory and BPF source', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'ring0' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['build bpf bpf/probe.bpf.c', 'build module broken']);
    for (const t of tasks) assert.equal(t.group?.id, vscode.TaskGroup.Build.id);
  });

  it('runs a module build whose error lands on its line through the problem matcher', async function () {
    this.timeout(120_000);
    const task = (await vscode.tasks.fetchTasks({ type: 'ring0' })).find((t) => t.name === 'build module broken');
    assert.ok(task);
    const ended = new Promise<number | undefined>((resolve) => {
      const d = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name === task.name) {
          d.dispose();
          resolve(e.exitCode);
        }
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 1);
    const file = vscode.Uri.file(path.join(root, 'broken', 'broken.c'));
    let diags: vscode.Diagnostic[] = [];
    for (let i = 0; i < 50 && diags.length === 0; i++) {
      diags = vscode.languages.getDiagnostics(file).filter((d) => d.source === 'ring0' || /expected/.test(d.message));
      if (diags.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const missingSemicolon = diags.find((d) => /expected ';'/.test(d.message));
    assert.ok(missingSemicolon, JSON.stringify(diags.map((d) => [d.message, d.range.start.line])));
    assert.equal(missingSemicolon.range.start.line, 3);
    assert.equal(missingSemicolon.severity, vscode.DiagnosticSeverity.Error);
  });

  it('rebuilds on save when ring0.build.watch is on: the error appears, then clears when fixed', async function () {
    this.timeout(180_000);
    const config = vscode.workspace.getConfiguration('ring0');
    await config.update('build.watch', true, vscode.ConfigurationTarget.Workspace);
    const file = vscode.Uri.file(path.join(root, 'broken', 'broken.c'));
    // Only the watch build's diagnostics (source 'ring0'); the task's carry 'ring0 task'.
    const watchErrors = () => vscode.languages.getDiagnostics(file).filter((d) => d.source === 'ring0' && d.severity === vscode.DiagnosticSeverity.Error);
    const until = async (what: string, cond: () => boolean) => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 200));
      assert.ok(cond(), what);
    };
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '/* saved once */\n'));
      await doc.save();
      await until('the watch build reports the missing semicolon', () => watchErrors().some((d) => /expected ';'/.test(d.message) && d.range.start.line === 3));
      await editor.edit((e) => e.replace(new vscode.Range(3, 0, 3, doc.lineAt(3).text.length), '\treturn 0;'));
      await doc.save();
      await until('the fixed build clears the error', () => watchErrors().length === 0);
      await until('the watch build produced broken.ko', () => existsSync(path.join(root, 'broken', 'broken.ko')));
    } finally {
      await config.update('build.watch', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

