// The agent tool table: names both faces accept, a confirmation for every state-changing tool, input
// schemas that validate, paths confined to the workspace, and package.json's languageModelTools in step.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TOOLS, inputJsonSchema, parseInput, toolNamed } from '../../tools/table';
import { lmToolContributions } from '../../tools/contribution';
import { inWorkspace, ToolInputError } from '../../tools/tool';

const root = path.resolve(__dirname, '..', '..', '..');

describe('agent tool table', () => {
  it('has unique names that MCP and VS Code both accept', () => {
    const names = TOOLS.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^ring0_[a-z_]{1,58}$/);
    for (const want of ['vm_start', 'vm_stop', 'vm_status', 'vm_exec', 'build_module', 'build_bpf', 'load', 'unload', 'bpf_maps', 'bpf_dump', 'trace', 'lab_list', 'lab_start', 'lab_check', 'kernel_config', 'kernel_build']) {
      assert.ok(toolNamed(`ring0_${want}`), `ring0_${want}`);
    }
  });

  it('asks before every state-changing tool, with a message naming what it does', () => {
    for (const t of TOOLS.filter((x) => x.changesState)) {
      assert.ok(t.confirm, `${t.name} changes state but has no confirmation`);
    }
    assert.match(toolNamed('ring0_vm_exec')!.confirm!({ argv: ['rmmod', 'x'] } as never, '/ws'), /rmmod x/);
    assert.equal(toolNamed('ring0_bpf_maps')!.changesState, false);
  });

  it('validates input against the schema with a readable error', () => {
    const exec = toolNamed('ring0_vm_exec')!;
    assert.deepEqual(parseInput(exec, { argv: ['true'] }), { argv: ['true'] });
    assert.throws(() => parseInput(exec, { argv: [] }), /invalid input for ring0_vm_exec/);
    assert.throws(() => parseInput(exec, { argv: ['true'], shell: 'x' }), /invalid input/);
    assert.throws(() => parseInput(toolNamed('ring0_trace')!, { tracepoint: 'x; rm -rf /', count: 1 }), /invalid input/);
    assert.throws(() => parseInput(toolNamed('ring0_lab_check')!, { id: '../etc' }), /invalid input/);
  });

  it('every input schema is a closed JSON Schema object', () => {
    for (const t of TOOLS) {
      const s = inputJsonSchema(t);
      assert.equal(s.type, 'object', t.name);
      assert.equal(s.additionalProperties, false, t.name);
      assert.equal(s.$schema, undefined);
    }
  });

  it('package.json contributes exactly the table as languageModelTools (node scripts/lmTools.mjs regenerates)', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.languageModelTools, lmToolContributions());
  });
});

describe('tool paths stay in the workspace', () => {
  it('resolves relative paths inside and refuses .., absolute paths and symlinks out', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-tools-'));
    try {
      mkdirSync(path.join(ws, 'mod'));
      assert.equal(inWorkspace(ws, 'mod', 'dir'), path.join(ws, 'mod'));
      assert.equal(inWorkspace(ws, '.', 'cwd'), ws);
      assert.throws(() => inWorkspace(ws, '../x', 'dir'), ToolInputError);
      assert.throws(() => inWorkspace(ws, '/etc', 'dir'), /outside the workspace/);
      symlinkSync('/etc', path.join(ws, 'link'));
      assert.throws(() => inWorkspace(ws, 'link/passwd', 'path'), /outside the workspace/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
