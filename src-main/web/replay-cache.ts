import { createHash } from 'node:crypto';
import type { Channel, Reply } from '../../src-shared/contract';

/** How many request ids the server remembers, and for how long: enough for a client to reconnect and re-send. */
export const REPLAY_MAX_ENTRIES = 1000;
export const REPLAY_TTL_MS = 10 * 60 * 1000;
/**
 * A settled reply larger than this is not kept (a replay runs the request again). Only reads answer
 * this much (metrics.query, runs.logs), and running a read twice changes nothing; the writes'
 * replies (a Run, an Experiment, `{deleted}`) are a few kB.
 */
export const REPLAY_MAX_REPLY_CHARS = 64 * 1024;

type Entry = { fingerprint: string; reply: Promise<Reply<Channel>>; expires: number };

/**
 * The request ids this server has seen (WebSocket message ids and HTTP Idempotency-Keys, in separate
 * namespaces), so a request sent again after a dropped connection gets the first answer, or waits on
 * the first call still running, instead of running twice: one click on Start is one run. Bounded
 * (least recently used out first) and time limited. The same id with a different channel or request
 * is refused: ids are unique per client session, so that is a client bug, not a replay.
 */
export class ReplayCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = REPLAY_MAX_ENTRIES,
    private readonly ttlMs = REPLAY_TTL_MS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** `run` is called at most once per live key; every call with that key gets its reply. */
  run(key: string, channel: string, request: unknown, run: () => Promise<Reply<Channel>>): Promise<Reply<Channel>> {
    const now = this.now();
    this.evictExpired(now);
    // A digest, not the request: 1000 remembered 1 MiB requests would hold a gigabyte.
    const fingerprint = createHash('sha256').update(channel).update('\u0000').update(JSON.stringify(request) ?? '').digest('base64');
    const seen = this.entries.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        return Promise.resolve({
          ok: false,
          error: { code: 'conflict', message: `request id '${key.slice(key.indexOf(':') + 1, 140)}' was already used for another request: use a new id per request` },
        });
      }
      // Most recently used goes last, so the oldest is first out.
      this.entries.delete(key);
      this.entries.set(key, seen);
      return seen.reply;
    }
    const reply = run();
    const entry: Entry = { fingerprint, reply, expires: now + this.ttlMs };
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    void reply.then((r) => {
      if (this.entries.get(key) === entry && JSON.stringify(r).length > REPLAY_MAX_REPLY_CHARS) this.entries.delete(key);
    });
    return reply;
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expires > now) continue;
      this.entries.delete(key);
    }
  }
}
