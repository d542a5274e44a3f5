// The VM change signal's key: the views repaint when what they show changes, never for a re-read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { snapshotKey, type VmSnapshot } from '../../kernel/vm/snapshot';
import { readWorkspaceVmSettings, vmSettingsFrom } from '../../kernel/vm/settings';

const running: VmSnapshot = { status: { state: 'running', pid: 42, accel: 'tcg', uptimeMs: 1000, bootMs: 2500 }, state: { state: 'running', pid: 42, startedAt: 1 } };

describe('VM snapshot key', () => {
  it('is the same when only the uptime moved on', () => {
    assert.equal(snapshotKey(running), snapshotKey({ ...running, status: { ...running.status, uptimeMs: 61_000 } }));
  });

  it('changes with the state, the QEMU pid, a panic, the start progress and the module list', () => {
    const base = snapshotKey(running);
    for (const other of [
      { ...running, status: { ...running.status, state: 'stopped' as const } },
      { ...running, status: { ...running.status, pid: 43 } },
      { ...running, status: { ...running.status, panic: { summary: 'Kernel panic', frames: [] } as never } },
      { ...running, state: { ...running.state!, progress: { label: 'Loading modules' } } },
      { ...running, modules: ['hello'] },
    ]) assert.notEqual(snapshotKey(other), base, JSON.stringify(other));
  });
});

describe('VM settings from resolved values', () => {
  it('validates values like a settings.json, fills defaults and makes a relative kernel absolute', () => {
    const warnings: string[] = [];
    const s = vmSettingsFrom('/ws', { 'ring0.vm.memoryMiB': 640, 'ring0.vm.kernel': 'k/bzImage', 'ring0.vm.cpus': 'two', 'ring0.vm.qemuArgs': ['-netdev', 'user,id=n'] }, (m) => warnings.push(m));
    assert.equal(s.memoryMiB, 640);
    assert.equal(s.kernel, '/ws/k/bzImage');
    assert.equal(s.cpus, 1);
    assert.deepEqual(s.qemuArgs, []);
    assert.ok(warnings.some((w) => w.includes('ring0.vm.cpus')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('ring0.vm.qemuArgs')), warnings.join('\n'));
  });

  it('agrees with reading the same values from .vscode/settings.json', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-settings-'));
    try {
      const values = { 'ring0.vm.memoryMiB': 768, 'ring0.vm.kernelArgs': ['loglevel=7'], 'ring0.vm.shareHostRoot': false };
      mkdirSync(path.join(ws, '.vscode'));
      writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(values));
      assert.deepEqual(readWorkspaceVmSettings(ws), vmSettingsFrom(ws, values));
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
