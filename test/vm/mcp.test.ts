// `ring0 mcp` through the official SDK's client, spawning the built CLI over stdio: the tools are listed
// with JSON Schemas, then the VM is started (with progress notifications), `vm exec` runs in it, a
// path outside the workspace is refused, a lab is checked, and the VM stopped.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TOOLS } from '../../tools/table';
import { vmStatus } from '../../kernel/vm/manager';
import { CLI, ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

type CallResult = { content: { type: string; text: string }[]; structuredContent?: { result: unknown }; isError?: boolean };

describe('ring0 mcp with the SDK client against a real VM', () => {
  let ws: string;
  let client: Client;
  let stderr = '';
  before(async () => {
    ws = tempWorkspace();
    assert.equal((await cli(['lab', 'start', 'module-hello', '--workspace', ws])).code, 0);
    cpSync(path.join(ROOT, 'test', 'labs', 'module-hello', 'solution'), path.join(ws, 'labs', 'module-hello'), { recursive: true });
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--workspace', ws], cwd: ROOT, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'ring0-test', version: '0.0.0' });
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    await disposeWorkspace(ws);
  });

  const call = async (name: string, args: Record<string, unknown>, onprogress?: (p: { progress: number; total?: number; message?: string }) => void) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000, ...(onprogress ? { onprogress, resetTimeoutOnProgress: true } : {}) })) as CallResult;

  it('lists every tool of the table with an object input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS.map((t) => t.name).sort());
    const exec = tools.find((t) => t.name === 'ring0_vm_exec');
    assert.equal(exec?.inputSchema.type, 'object');
    assert.deepEqual(exec?.inputSchema.required, ['argv']);
    assert.equal(tools.find((t) => t.name === 'ring0_vm_status')?.annotations?.readOnlyHint, true);
    assert.equal(exec?.annotations?.readOnlyHint, false);
  });

  it('starts the VM with progress notifications and runs vm exec in it', async () => {
    const progress: { progress: number; message?: string }[] = [];
    const start = await call('ring0_vm_start', {}, (p) => progress.push(p));
    assert.notEqual(start.isError, true, `${start.content[0]?.text}\n${stderr}\n${transcript(ws)}`);
    assert.ok(progress.length > 0, 'progress notifications arrived');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].progress > progress[i - 1].progress, 'progress increases');
    assert.equal(vmStatus(ws).state, 'running');

    const r = await call('ring0_vm_exec', { argv: ['sh', '-c', 'uname -r; pwd; exit 3'] });
    const data = r.structuredContent?.result as { exitCode: number; stdout: string };
    assert.equal(data.exitCode, 3);
    const [release, cwd] = data.stdout.trim().split('\n');
    assert.match(release, /^\d+\.\d+/);
    assert.equal(cwd, ws, 'runs in the workspace by default');
    assert.equal(r.isError, true, 'a non-zero exit is an error result');
  });

  it('refuses a cwd outside the workspace and a bad input', async () => {
    const out = await call('ring0_vm_exec', { argv: ['true'], cwd: '../..' });
    assert.equal(out.isError, true);
    assert.match(out.content[0].text, /outside the workspace/);
    const bad = await call('ring0_vm_exec', { argv: [] });
    assert.equal(bad.isError, true);
  });

  it('checks a lab through ring0_lab_check and stops the VM', async () => {
    const r = await call('ring0_lab_check', { id: 'module-hello' });
    const data = r.structuredContent?.result as { passed: boolean; objectives: { id: string; passed: boolean }[] };
    assert.equal(data.passed, true, `${r.content.map((c) => c.text).join('\n')}\n${stderr}`);
    assert.deepEqual(data.objectives.map((o) => o.id), ['builds', 'loads', 'listed', 'greets', 'unloads']);
    const stop = await call('ring0_vm_stop', {});
    assert.deepEqual(stop.structuredContent?.result, { stopped: true });
    assert.equal(vmStatus(ws).state, 'stopped');
  });
});
