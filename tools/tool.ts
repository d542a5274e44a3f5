// What an agent tool is, for both faces (`ring0 mcp` and VS Code's language-model tools): a name, a zod
// input schema, whether it changes state (and the confirmation to show), and a run over the core.
import path from 'node:path';
import type { z } from 'zod';
import type { AgentClient } from '../kernel/agent/client';
import { connectAgent } from '../kernel/vm/manager';
import { isInside } from '../labs/model/confine';

export interface ToolContext {
  /** The only folder tools read, write or build in; the VM shares it. */
  workspace: string;
  /** The bundled CLI (dist/cli.js), which runs the detached VM daemon. */
  cliPath: string;
  /** Long work reports here; fraction in 0..1 when known. */
  progress(message: string, fraction?: number): void;
  signal?: AbortSignal;
}

export interface ToolResult {
  /** A short human summary. */
  text: string;
  /** The structured result (the same JSON the CLI's --json prints). */
  data: unknown;
  isError?: boolean;
}

export interface Ring0Tool<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** State-changing tools ask for confirmation in VS Code and are not marked read-only in MCP. */
  changesState: boolean;
  /** The confirmation shown before a state-changing tool runs. */
  confirm?(input: z.infer<z.ZodObject<S>>, workspace: string): string;
  run(input: z.infer<z.ZodObject<S>>, ctx: ToolContext): Promise<ToolResult>;
}

/** Keeps each tool's input type while the table holds them all. */
export function defineTool<S extends z.ZodRawShape>(t: Ring0Tool<S>): Ring0Tool {
  return t as unknown as Ring0Tool;
}

export class ToolInputError extends Error {}

/** A path from a tool's input, relative to the workspace; anything resolving outside it is refused. */
export function inWorkspace(workspace: string, p: string, what: string): string {
  const abs = path.resolve(workspace, p);
  if (!isInside(workspace, abs)) throw new ToolInputError(`${what} ${p} is outside the workspace ${workspace}; Ring0's tools only work inside it`);
  return abs;
}

export async function withAgent<T>(ctx: ToolContext, body: (agent: AgentClient) => Promise<T>): Promise<T> {
  const agent = await connectAgent(ctx.workspace);
  try {
    return await body(agent);
  } finally {
    agent.close();
  }
}

export const json = (v: unknown) => JSON.stringify(v, null, 2);
