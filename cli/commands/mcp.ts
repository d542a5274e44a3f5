// CLI: `ring0 mcp` — a Model Context Protocol server on stdio (the official SDK's McpServer) serving the
// agent tool table of tools/: VM, builds, loads, BPF maps, tracing, labs and your kernel, in one workspace.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import path from 'node:path';
import { RING0_VERSION } from '../../kernel/version';
import { TOOLS } from '../../tools/table';
import type { Ring0Tool, ToolContext } from '../../tools/tool';
import type { CliCommand } from '../command';
import { workspaceOf } from './vm';

interface Extra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
}

/** Progress notifications for the caller's token; `progress` increases with every one, as MCP requires. */
function progressTo(extra: Extra): ToolContext['progress'] {
  const token = extra._meta?.progressToken;
  let last = 0;
  return (message, fraction) => {
    if (token === undefined) return;
    last = fraction !== undefined ? Math.max(Math.min(100, fraction * 100), last + 0.01) : last + 0.01;
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: last, ...(fraction !== undefined && last <= 100 ? { total: 100 } : {}), message } }).catch(() => undefined);
  };
}

export function mcpServer(workspace: string, cliPath: string, tools: readonly Ring0Tool[] = TOOLS): McpServer {
  const server = new McpServer({ name: 'ring0', version: RING0_VERSION }, { instructions: `Ring0: a Linux kernel and eBPF workbench for the workspace ${workspace}. Tools boot a QEMU VM that shares the workspace, build and load modules and BPF programs in it, trace it and check labs. Paths are relative to the workspace; nothing outside it is touched.` });
  for (const t of tools) {
    server.registerTool(t.name, {
      title: t.title,
      description: t.description,
      inputSchema: t.input,
      annotations: { title: t.title, readOnlyHint: !t.changesState, destructiveHint: t.changesState, openWorldHint: false },
    }, async (args: Record<string, unknown>, extra: Extra) => {
      try {
        const r = await t.run(args, { workspace, cliPath, progress: progressTo(extra), signal: extra.signal });
        return {
          content: [{ type: 'text' as const, text: r.text }, { type: 'text' as const, text: JSON.stringify(r.data, null, 2) }],
          structuredContent: { result: r.data },
          ...(r.isError ? { isError: true } : {}),
        };
      } catch (e) {
        return { content: [{ type: 'text' as const, text: `${t.name}: ${(e as Error).message}` }], isError: true };
      }
    });
  }
  return server;
}

export const mcpCommand: CliCommand = {
  path: ['mcp'],
  summary: 'Serve Ring0\'s tools to coding agents over the Model Context Protocol (stdio).',
  synopsis: '[--workspace DIR]',
  details: [
    '-w, --workspace DIR  the only folder the tools work in (default: .)',
    `Tools: ${TOOLS.map((t) => t.name).join(', ')}`,
    'Client config, e.g.: {"command": "ring0", "args": ["mcp", "--workspace", "/path/to/ws"]}',
  ],
  options: { workspace: { type: 'string', short: 'w' } },
  async run(inv) {
    const ws = workspaceOf(inv);
    const server = mcpServer(ws, process.argv[1] ? path.resolve(process.argv[1]) : path.join(__dirname, 'cli.js'));
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
    });
    await server.connect(transport);
    inv.io.err(`ring0 mcp: serving ${TOOLS.length} tools for ${ws} on stdio\n`);
    await closed;
    await server.close().catch(() => undefined);
    return 0;
  },
};
