// Rebuilds the native modules for the installed Electron's ABI (`npm run rebuild:electron`), only
// where an Electron binary exists; otherwise says why not and exits 0, so it is safe everywhere.
// Both native modules are N-API addons (better-sqlite3 through node-addon-api, native/ through
// node_api.h): the builds Node loads also load in Electron, so this is a check-and-refresh, never a
// precondition. native/ is rebuilt by scripts/build-native.mjs, for this CPU (docs/native.md).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../src-main/host/electron-binary';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = ['better-sqlite3'];

async function main(): Promise<number> {
  const binary = findElectronBinary();
  if (binary.path === null) {
    console.log(`rebuild:electron: nothing to do, no Electron binary here (${binary.reason}); ${MODULES.join(', ')} and native/ are N-API addons and load in Electron as built`);
    return 0;
  }
  const require = createRequire(join(ROOT, 'package.json'));
  const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
  const { rebuild } = (await import('@electron/rebuild')) as typeof import('@electron/rebuild');
  console.log(`rebuild:electron: rebuilding ${MODULES.join(', ')} for Electron ${electronVersion} (${binary.path})`);
  try {
    await rebuild({ buildPath: ROOT, electronVersion, onlyModules: MODULES, force: true, mode: 'sequential' });
  } catch (error) {
    console.error(`rebuild:electron: failed: ${(error as Error).message.split('\n')[0]}`);
    console.error('  Electron\'s headers come from the network at the first rebuild; the N-API builds already installed still load in Electron.');
    return 1;
  }
  console.log('rebuild:electron: done');
  return 0;
}

process.exitCode = await main();
