// The one table of agent tools that `ring0 mcp` serves and the extension contributes as VS Code
// language-model tools, with each tool's input as JSON Schema (what package.json declares).
import { z } from 'zod';
import type { Ring0Tool } from './tool';
import { VM_TOOLS } from './vmTools';
import { BUILD_TOOLS } from './buildTools';
import { OBSERVE_TOOLS } from './observeTools';
import { LAB_TOOLS } from './labTools';
import { KERNEL_TOOLS } from './kernelTools';

export const TOOLS: readonly Ring0Tool[] = [...VM_TOOLS, ...BUILD_TOOLS, ...OBSERVE_TOOLS, ...LAB_TOOLS, ...KERNEL_TOOLS];

export function toolNamed(name: string): Ring0Tool | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** The tool's input as JSON Schema (draft 2020-12, no $schema key), as package.json's languageModelTools carry it. */
export function inputJsonSchema(t: Ring0Tool): Record<string, unknown> {
  const { $schema: _s, ...schema } = z.toJSONSchema(z.object(t.input).strict(), { io: 'input' }) as Record<string, unknown>;
  return schema;
}

/** Validates raw input (from VS Code, which does not) against the tool's schema; throws a readable error. */
export function parseInput(t: Ring0Tool, raw: unknown): Record<string, unknown> {
  const r = z.object(t.input).strict().safeParse(raw ?? {});
  if (!r.success) throw new Error(`invalid input for ${t.name}: ${z.prettifyError(r.error)}`);
  return r.data;
}
