// The agent tools as package.json's contributes.languageModelTools: what VS Code shows and gives models.
import { TOOLS, inputJsonSchema } from './table';

export interface LmToolContribution {
  name: string;
  displayName: string;
  toolReferenceName: string;
  canBeReferencedInPrompt: boolean;
  userDescription: string;
  modelDescription: string;
  icon: string;
  tags: string[];
  inputSchema: Record<string, unknown>;
}

export function lmToolContributions(): LmToolContribution[] {
  return TOOLS.map((t) => ({
    name: t.name,
    displayName: `Ring0: ${t.title}`,
    toolReferenceName: t.name.replace(/^ring0_/, 'ring0-').replace(/_/g, '-'),
    canBeReferencedInPrompt: true,
    userDescription: t.description.split(/(?<=\.)\s/)[0],
    modelDescription: t.description,
    icon: '$(chip)',
    tags: ['ring0', 'linux-kernel', ...(t.changesState ? [] : ['read-only'])],
    inputSchema: inputJsonSchema(t),
  }));
}
