import type { Channel, Reply } from '../../src-shared/contract';
import type { Host } from '../host/host';
import type { ReplayCache } from './replay-cache';

/**
 * One request from either transport: through the replay cache when it carries an id (`key` is
 * namespaced by transport), and never a rejected promise, whatever dispatch does.
 */
export function answer(host: Host, cache: ReplayCache, key: string | null, channel: string, request: unknown): Promise<Reply<Channel>> {
  const run = (): Promise<Reply<Channel>> =>
    Promise.resolve()
      .then(() => host.dispatch(channel, request))
      .catch((error: unknown) => {
        console.error(`web: dispatch of a request failed:`, error);
        return { ok: false, error: { code: 'internal', message: 'the request failed inside the workbench; see its log' } };
      });
  return key === null ? run() : cache.run(key, channel, request, run);
}
