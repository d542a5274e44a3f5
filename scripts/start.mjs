// `npm start`: builds and packages Ring0, makes sure code-server is installed, installs the .vsix and
// serves a real VS Code on 127.0.0.1 with samples/workspace open, in the foreground until Ctrl-C.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const workspace = path.join(root, 'samples', 'workspace');
const vsix = path.join(root, 'dist', 'ring0.vsix');

function step(title, cmd, args, { mayFail = false } = {}) {
  console.error(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 && !mayFail) {
    console.error(`\n${title} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r.status;
}

/** Boots the sample workspace's VM (`ring0 vm start`) so it is ready when VS Code opens; returns its stop. */
async function startVmBeforeServing(workspace) {
  const cli = path.join(root, 'dist', 'cli.js');
  step('ring0 vm start (samples/workspace)', process.execPath, [cli, 'vm', 'start', '--workspace', workspace]);
  return async () => {
    console.error('stopping the VM…');
    spawnSync(process.execPath, [cli, 'vm', 'stop', '--workspace', workspace], { cwd: root, stdio: 'inherit' });
  };
}

step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
step('package', 'npm', ['run', '--silent', 'package']);

// Compiled by the build above: one source for cache paths and for starting code-server.
const { testHostInstalled } = require(path.join(root, 'out', 'kernel', 'host', 'testHostInstall.js'));
const { testHostPaths } = require(path.join(root, 'out', 'kernel', 'host', 'testHostPaths.js'));
const { startCodeServer } = require(path.join(root, 'out', 'test', 'host', 'codeServer.js'));
const { portIsFree } = require(path.join(root, 'out', 'test', 'host', 'proc.js'));

const setup = step('ring0 setup --test-host', process.execPath, [path.join(root, 'dist', 'cli.js'), 'setup', '--test-host'], { mayFail: true });
if (setup !== 0) {
  if (!testHostInstalled()) {
    console.error('\ncode-server is not installed; see the setup output above.');
    process.exit(1);
  }
  console.error('\n(setup reported missing dependencies; serving VS Code anyway — run `node dist/cli.js doctor`)');
}

const wanted = Number(process.env.RING0_PORT || 8080);
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`RING0_PORT=${process.env.RING0_PORT} is not a port number`);
  process.exit(2);
}
const port = wanted === 0 || (await portIsFree(wanted)) ? wanted : 0;
if (port !== wanted) console.error(`port ${wanted} is busy; using a free one`);

const stopVm = await startVmBeforeServing(workspace);

console.error('\n== code-server');
let server;
try {
  server = await startCodeServer({
    workspace,
    vsix: [vsix],
    port,
    dataDir: testHostPaths().startDataDir,
    keepUserSettings: true,
    echo: process.stderr,
  });
} catch (e) {
  console.error(e.message);
  await stopVm?.();
  process.exit(1);
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.error('\nstopping code-server…');
  await server.stop();
  await stopVm?.();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
// Last resort if this process dies some other way: code-server lives in its own process group.
process.on('exit', () => {
  try {
    process.kill(-server.proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
});
server.proc.exited.then((how) => {
  if (stopping) return;
  console.error(`\ncode-server exited (${how})`);
  void shutdown(1);
});

console.log(`\nRing0 in VS Code: ${server.workbenchUrl()}\nLabs: the Ring0 side bar's Labs view, or Help → Welcome → "Ring0: your first kernel module".\n(data: ${server.dirs.root}; Ctrl-C to stop)`);
