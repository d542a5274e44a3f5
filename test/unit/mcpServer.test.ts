// `ring0 mcp`'s server in-process over the SDK's in-memory transport (no VM): the tools are listed with
// annotations, a read-only tool answers with structured content, and a path out of the workspace or
// input off the schema comes back as an error result, not a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mcpServer } from '../../cli/commands/mcp';
import { TOOLS } from '../../tools/table';

type CallResult = { content: { type: string; text: string }[]; structuredContent?: { result: unknown }; isError?: boolean };

describe('ring0 mcp server (in memory)', () => {
  let ws: string;
  let client: Client;
  before(async () => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-mcp-'));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await mcpServer(ws, '/nonexistent/cli.js').connect(a);
    client = new Client({ name: 'unit', version: '0' });
    await client.connect(b);
  });
  after(async () => {
    await client.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('lists the table with read-only hints', async () => {
    const { tools } = await client.listTools();
    assert.equal(tools.length, TOOLS.length);
    for (const t of TOOLS) assert.equal(tools.find((x) => x.name === t.name)?.annotations?.readOnlyHint, !t.changesState, t.name);
  });

  it('answers ring0_vm_status with the status as structured content', async () => {
    const r = (await client.callTool({ name: 'ring0_vm_status', arguments: {} })) as CallResult;
    assert.deepEqual(r.structuredContent, { result: { state: 'stopped' } });
    assert.match(r.content[0].text, /VM stopped/);
  });

  it('refuses a module directory outside the workspace as an error result', async () => {
    const r = (await client.callTool({ name: 'ring0_build_module', arguments: { dir: '../../etc' } })) as CallResult;
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /outside the workspace/);
  });

  it('rejects input off the schema', async () => {
    const r = (await client.callTool({ name: 'ring0_trace', arguments: { tracepoint: 'sched:sched_switch', count: 0 } })) as CallResult;
    assert.equal(r.isError, true);
  });

  it('ring0_vm_exec without a VM says to start one', async () => {
    const r = (await client.callTool({ name: 'ring0_vm_exec', arguments: { argv: ['true'] } })) as CallResult;
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /no VM is running/);
  });
});
