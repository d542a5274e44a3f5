// Writes package.json's contributes.languageModelTools from the agent tool table (run after a build:
// node scripts/lmTools.mjs); test/unit/agentTools.test.ts fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { lmToolContributions } = createRequire(import.meta.url)(path.join(root, 'out', 'tools', 'contribution.js'));
const file = path.join(root, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.contributes.languageModelTools = lmToolContributions();
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`package.json: ${pkg.contributes.languageModelTools.length} languageModelTools`);
