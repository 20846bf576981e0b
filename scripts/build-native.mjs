// Builds the native CPU kernels (native/) at install time, on the machine that will run them
// (-march=native). Never downloads anything and never fails the install: on any problem it prints
// one line and training runs on pure wasm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const addonPath = join(nativeDir, 'build', 'Release', 'nas_native.node');

function giveUp(reason) {
  console.log(`native kernels not built: ${reason}; training runs on pure wasm`);
  process.exit(0);
}

/** node-gyp: the project's own, else the one bundled with the npm that runs us (or npm on PATH). */
function findNodeGyp() {
  const local = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(local)) return local;
  const npmDirs = [];
  if (process.env.npm_execpath) npmDirs.push(resolve(dirname(process.env.npm_execpath), '..'));
  const prefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' });
  if (prefix.status === 0) npmDirs.push(join(prefix.stdout.trim(), 'lib', 'node_modules', 'npm'));
  npmDirs.push('/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm');
  for (const dir of npmDirs) {
    try {
      return createRequire(join(dir, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
    } catch {
      // not in this npm; try the next
    }
  }
  return undefined;
}

/** A Node install prefix that has node_api.h, so node-gyp needs no header download. */
function findNodeDir() {
  const candidates = ['/usr', resolve(dirname(process.execPath), '..')];
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
}

function lastErrorLine(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const errors = lines.filter((l) => /error|not found|no such/i.test(l) && !/^gyp ERR! (cwd|node -v|node-gyp -v|command|System)/.test(l));
  return (errors[0] ?? lines.at(-1) ?? 'no output').slice(0, 200);
}

function main() {
  if (process.env.NAS_NATIVE === '0') giveUp('NAS_NATIVE=0');
  if (process.platform !== 'linux' && process.platform !== 'darwin') giveUp(`unsupported platform ${process.platform}`);
  const gyp = findNodeGyp();
  if (gyp === undefined) giveUp('node-gyp not found (neither in node_modules nor bundled with npm)');
  const nodeDir = findNodeDir();
  if (nodeDir === undefined) giveUp('Node headers (include/node/node_api.h) not found; install them (Debian: libnode-dev)');
  const run = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodeDir}`], {
    cwd: nativeDir,
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, npm_config_nodedir: nodeDir },
  });
  if (run.error) giveUp(`node-gyp did not run (${run.error.message})`);
  if (run.status !== 0) giveUp(`node-gyp failed: ${lastErrorLine(`${run.stdout}\n${run.stderr}`)}`);
  try {
    createRequire(import.meta.url)(addonPath);
  } catch (error) {
    giveUp(`the built addon does not load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  console.log(`native kernels built: ${addonPath}`);
}

main();
