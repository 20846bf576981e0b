import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHost } from '../host/host';
import { appRoot, resolveDataDir } from '../host/paths';
import { startWebServer } from './server';

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
    token: randomBytes(24).toString('base64url'),
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
