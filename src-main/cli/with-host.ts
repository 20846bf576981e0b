import { createHost, type Host } from '../host/host';
import { resolveDataDir } from '../host/paths';

/**
 * A host for one command. Commands that only read open the store read-only (nothing is written,
 * not even beside the file); the others open it writable unless the data dir cannot be written, in
 * which case they answer why.
 */
export async function withHost<T>(dataDir: string | undefined, readonly: true | undefined, work: (host: Host) => Promise<T>, maxConcurrentRuns?: number): Promise<T> {
  const host = createHost({ dataDir: resolveDataDir(dataDir), mode: 'cli', readonly, watch: false, maxConcurrentRuns });
  try {
    return await work(host);
  } finally {
    await host.close();
  }
}
