import { spawn } from 'node:child_process';
import { findElectronBinary } from '../host/electron-binary';
import { appRoot } from '../host/paths';
import { serveWeb } from '../web/serve';

/** `npm start`: the Electron app where its binary exists, else web mode with the URL printed. */
const electron = findElectronBinary();
if (!('reason' in electron)) {
  const child = spawn(electron.path, [appRoot(), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`No Electron binary here (${electron.reason}); starting web mode instead.`);
  serveWeb(process.argv.slice(2)).catch((error) => {
    console.error(`web mode could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
