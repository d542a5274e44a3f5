// Runs inside the real extension host: Ring0's agent tools are registered with the language-model tool
// API, and one is invoked through vscode.lm.invokeTool, as an agent in the editor would.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TOOLS } from '../../../tools/table';

describe('Ring0 language-model tools', () => {
  before(async () => {
    await vscode.extensions.getExtension('ring0.ring0')?.activate();
  });

  it('lists every tool of the table in vscode.lm.tools with its input schema', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('ring0_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), TOOLS.map((t) => t.name).sort());
    const exec = ours.find((t) => t.name === 'ring0_vm_exec');
    assert.deepEqual((exec?.inputSchema as { required?: string[] }).required, ['argv']);
  });

  it('invokes ring0_vm_status through vscode.lm.invokeTool', async () => {
    const r = await vscode.lm.invokeTool('ring0_vm_status', { input: {}, toolInvocationToken: undefined });
    const text = r.content.filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart).map((p) => p.value);
    assert.match(text[0], /^VM stopped/);
    assert.equal(JSON.parse(text[1]).state, 'stopped');
  });

  it('invokes ring0_lab_list and gets the catalog with this workspace\'s progress', async () => {
    const r = await vscode.lm.invokeTool('ring0_lab_list', { input: {}, toolInvocationToken: undefined });
    const parts = r.content.filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart);
    const rows = JSON.parse(parts[1].value) as { id: string; status: string }[];
    assert.ok(rows.some((l) => l.id === 'module-hello' && l.status === 'not-started'), parts[0].value);
  });

  it('refuses input that does not match the schema', async () => {
    await assert.rejects(Promise.resolve(vscode.lm.invokeTool('ring0_bpf_dump', { input: { map: 7 }, toolInvocationToken: undefined })), /invalid input for ring0_bpf_dump/);
  });
});
