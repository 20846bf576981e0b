import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHost } from '../host/host';
import { appRoot, resolveDataDir } from '../host/paths';
import { startWebServer } from './server';

/** Pages open on this server keep working after a restart when the restart reuses their token. */
const MIN_TOKEN_CHARS = 16;

/**
 * A fresh random token per launch, unless NAS_WORKBENCH_TOKEN gives one (an environment variable,
 * not an argument, so it does not show in the process list): a restarted server then accepts the
 * pages still open on the old one, which reconnect by themselves.
 */
function launchToken(given: string | undefined): string {
  if (given === undefined || given === '') return randomBytes(24).toString('base64url');
  if (given.length < MIN_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(given))
    throw new Error(`NAS_WORKBENCH_TOKEN must be at least ${MIN_TOKEN_CHARS} characters of A-Z, a-z, 0-9, '_' and '-'`);
  return given;
}

/**
 * `npm run web`: the workbench in a browser. Prints the URL with this launch's token; open it
 * locally or through an SSH tunnel (`ssh -L PORT:127.0.0.1:PORT gpu-box`).
 */
export async function serveWeb(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: process.env.NAS_WORKBENCH_PORT ?? '5174' },
      'renderer-dir': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got '${values.port}'`);
  const dataDir = resolveDataDir(values['data-dir']);
  const host = createHost({ dataDir, mode: 'web' });
  const server = await startWebServer({
    host,
    token: launchToken(process.env.NAS_WORKBENCH_TOKEN),
    rendererDir: values['renderer-dir'] ?? join(appRoot(), 'out', 'renderer'),
    port,
  });
  console.log(`Workbench web mode: ${server.url}`);
  console.log(`Data dir: ${dataDir}`);
  const shutdown = async (): Promise<void> => {
    await server.close();
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  serveWeb(process.argv.slice(2)).catch((error) => {
    console.error(`web mode could not start: ${(error as Error).message}`);
    process.exit(1);
  });
}
