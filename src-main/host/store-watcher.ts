import { LIVE_STATUSES, type Run } from '../../src-shared/model/records';
import type { ChangeCursor, Store } from '../store';
import type { EventBus } from './event-bus';
import { WATCH_INTERVAL_MS } from './lease-timing';

/** What of a run a window shows changing; a lease renewal alone is not news. */
const signature = (r: Run): string =>
  JSON.stringify([r.status, r.progressDone, r.progressTotal, r.error, r.backend, r.endedAt, r.owner, r.checkpointStep]);

/**
 * Makes runs of other processes (a CLI run while the UI is open, a second window) live here: polls
 * SQLite's data_version, which changes when another connection commits, and turns what changed into
 * the same events this process's own runs emit. Runs held by this process are skipped (their
 * events come from the run manager). Also notices a run going interrupted, which is no write at
 * all (its owner just stopped renewing), and, in a writable store, records that status.
 */
export class StoreWatcher {
  private version: number;
  private cursor: ChangeCursor;
  private readonly seen = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    /** True for a run this process holds (the run manager reports it itself). */
    private readonly heldHere: (runId: number) => boolean,
  ) {
    this.version = store.changes.dataVersion();
    this.cursor = store.changes.cursor();
    for (const run of store.runs.list()) this.seen.set(run.id, signature(run));
  }

  start(intervalMs = WATCH_INTERVAL_MS): void {
    this.timer ??= setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look at the store; never throws (a failing read is retried at the next poll). */
  poll(): void {
    try {
      const version = this.store.changes.dataVersion();
      const changed = version !== this.version;
      this.version = version;
      if (changed) this.emitRecords();
      // A live run of another process can die without any write: look at runs while one is live.
      if (changed || this.anyLiveElsewhere()) this.emitRuns();
    } catch (error) {
      console.error(`could not read other processes' changes from ${this.store.file}: ${(error as Error).message}`);
    }
  }

  private anyLiveElsewhere(): boolean {
    for (const [id, sig] of this.seen) {
      if (!this.heldHere(id) && LIVE_STATUSES.some((s) => sig.startsWith(`["${s}"`))) return true;
    }
    return false;
  }

  private emitRecords(): void {
    const batch = this.store.changes.since(this.cursor);
    this.cursor = batch.cursor;
    for (const m of batch.metrics) if (!this.heldHere(m.runId)) this.bus.emit('run.metrics', m);
    for (const g of batch.genotypes) if (!this.heldHere(g.runId)) this.bus.emit('run.genotype', g);
    for (const l of batch.logs) if (!this.heldHere(l.runId)) this.bus.emit('run.log', l);
  }

  private emitRuns(): void {
    const present = new Set<number>();
    for (let run of this.store.runs.list()) {
      present.add(run.id);
      if (this.heldHere(run.id)) {
        this.seen.set(run.id, signature(run));
        continue;
      }
      if (run.status === 'interrupted' && !this.store.readonly && this.store.leases.markInterrupted(run.id)) {
        run = this.store.runs.get(run.id) ?? run;
      }
      const sig = signature(run);
      if (this.seen.get(run.id) !== sig) {
        this.seen.set(run.id, sig);
        this.bus.emit('run.status', run);
      }
    }
    for (const id of this.seen.keys()) if (!present.has(id)) this.seen.delete(id);
  }
}
