import { join } from 'node:path';
import type { RunConfig } from '../../src-shared/model/run-config';
import { FINISHED_STATUSES, LIVE_STATUSES, type Run } from '../../src-shared/model/records';
import { isDiskFull, type Store } from '../store';
import type { CheckpointRef, EngineToHost } from '../engine/protocol';
import { deleteCheckpointFiles } from './checkpoint-files';
import type { EngineLauncher, EngineProcess } from './engine-launcher';
import type { EventBus } from './event-bus';
import { HostError } from './host-error';
import { LEASE_RENEW_MS, LEASE_TTL_MS } from './lease-timing';

/** A stop asks the engine to finish its step; after this long the process is killed instead. */
const STOP_GRACE_MS = 1500;
/** Checkpoints kept per run: the newest few, so a damaged newest one still leaves one to resume from. */
export const CHECKPOINTS_KEPT = 3;

interface ActiveRun {
  process: EngineProcess;
  stopRequested: boolean;
  ended: boolean;
}

interface QueuedRun {
  id: number;
  /** Set for a resumed run: its checkpoints, newest first. */
  resumeFrom?: CheckpointRef[];
}

export interface RunManagerOptions {
  store: Store;
  bus: EventBus;
  launcher: EngineLauncher;
  resourcesDir: string;
  /** Root folder of checkpoint files; each run writes into `<checkpointRoot>/run-<id>`. */
  checkpointRoot: string;
  /** This process's lease owner id (`hostname:pid:nonce`, see store/owner.ts). */
  owner: string;
  /** How many engine processes may train at once; further runs wait queued. */
  maxConcurrentRuns?: number;
  /** Lease timing (tests shorten it); see lease-timing.ts. */
  leaseTtlMs?: number;
  leaseRenewMs?: number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Owns the life of runs: queued → running → completed | failed | cancelled, and their resumption.
 * It holds a lease on each run it has queued or started and renews it, starts one engine process per
 * run, persists everything the engine reports before forwarding it as an event, and turns any way a
 * process can end into a final status with its reason. Nothing in its callbacks or its heartbeat
 * throws out of the process: a store that fails mid-run fails the run, or, when even that write
 * fails, lets its lease expire so the run reads as interrupted.
 */
export class RunManager {
  private readonly queue: QueuedRun[] = [];
  private readonly active = new Map<number, ActiveRun>();
  private readonly waiters = new Map<number, Array<(run: Run) => void>>();
  /** The last record of each run this manager held, for waiters when the store cannot answer. */
  private readonly lastKnown = new Map<number, Run>();
  private readonly maxConcurrent: number;
  private readonly ttlMs: number;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly opts: RunManagerOptions) {
    this.maxConcurrent = opts.maxConcurrentRuns ?? 1;
    this.ttlMs = opts.leaseTtlMs ?? LEASE_TTL_MS;
    this.heartbeat = setInterval(() => this.renewLeases(), opts.leaseRenewMs ?? LEASE_RENEW_MS);
    this.heartbeat.unref();
  }

  get owner(): string {
    return this.opts.owner;
  }

  /** True while this manager holds the run (queued here or its engine running). */
  holds(id: number): boolean {
    return this.active.has(id) || this.queue.some((q) => q.id === id);
  }

  start(input: { experimentId?: number; name?: string; config: RunConfig }): Run {
    const { store } = this.opts;
    this.refuseReadOnly('started');
    const experiment =
      input.experimentId === undefined ? store.experiments.getOrCreateDefault() : store.experiments.get(input.experimentId);
    if (!experiment) throw new HostError('not_found', `experiment ${input.experimentId} does not exist`, 'experimentId');
    const run = store.runs.create(
      {
        experimentId: experiment.id,
        name: input.name ?? input.config.name ?? `${input.config.algorithm} (seed ${input.config.seed})`,
        algorithm: input.config.algorithm,
        config: input.config,
        seed: input.config.seed,
      },
      { owner: this.opts.owner, ttlMs: this.ttlMs },
    );
    this.lastKnown.set(run.id, run);
    this.opts.bus.emit('run.status', run);
    this.queue.push({ id: run.id });
    this.schedule();
    return store.runs.get(run.id) ?? run;
  }

  /**
   * Continues an interrupted run (or a failed one that has checkpoints) from its newest usable
   * checkpoint: takes its lease atomically (a run another process keeps alive is a conflict) and
   * queues it with its checkpoints for the engine, newest first.
   */
  resume(id: number): Run {
    const { store, bus } = this.opts;
    this.refuseReadOnly('resumed');
    const run = store.runs.get(id);
    if (!run) throw new HostError('not_found', `run ${id} does not exist`, 'id');
    if (this.holds(id)) throw new HostError('conflict', `run ${id} is already ${run.status} here`, 'id');
    if (LIVE_STATUSES.includes(run.status)) {
      throw new HostError(
        'conflict',
        `run ${id} is ${run.status} in another process (${run.owner ?? 'unknown'}); it can be resumed once that process has ` +
          `stopped (a dead process's runs read as interrupted within ${Math.round(this.ttlMs / 1000)} s)`,
        'id',
      );
    }
    if (run.status !== 'interrupted' && run.status !== 'failed') {
      throw new HostError('conflict', `run ${id} is ${run.status}: only an interrupted run, or a failed one with a checkpoint, can be resumed`, 'id');
    }
    const checkpoints = store.checkpoints.list(id);
    if (checkpoints.length === 0) {
      throw new HostError(
        'conflict',
        `run ${id} has no checkpoint to resume from (it ended before writing one); start a new run with the same config instead`,
        'id',
      );
    }
    if (!store.leases.takeOver(id, this.opts.owner, this.ttlMs)) {
      throw new HostError('conflict', `run ${id} was just taken by another process; refresh to see where it runs`, 'id');
    }
    store.logs.add(id, 'info', `resuming from the checkpoint at step ${checkpoints[0].step} (${this.opts.owner})`);
    const queued = store.runs.get(id)!;
    this.lastKnown.set(id, queued);
    bus.emit('run.status', queued);
    this.queue.push({ id, resumeFrom: checkpoints.map((c) => ({ file: c.file, step: c.step, sha256: c.sha256 })) });
    this.schedule();
    return store.runs.get(id) ?? queued;
  }

  /** Ends a run within about two seconds and answers its final record. */
  async stop(id: number): Promise<Run> {
    const { store } = this.opts;
    const run = store.runs.get(id);
    if (!run) throw new HostError('not_found', `run ${id} does not exist`, 'id');
    if (FINISHED_STATUSES.includes(run.status)) return run;
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return this.finish(id, 'cancelled');
    }
    const active = this.active.get(id);
    if (!active) {
      if (LIVE_STATUSES.includes(run.status)) {
        throw new HostError('conflict', `run ${id} is ${run.status} in another process (${run.owner ?? 'unknown'}); stop it there`, 'id');
      }
      // Interrupted: giving it up is a cancel, once its lease is ours.
      this.refuseReadOnly('cancelled');
      if (!store.leases.takeOver(id, this.opts.owner, this.ttlMs)) throw new HostError('conflict', `run ${id} was just taken by another process`, 'id');
      return this.finish(id, 'cancelled');
    }
    const ended = this.waitFor(id);
    active.stopRequested = true;
    active.process.send({ type: 'stop' });
    const timer = setTimeout(() => {
      if (!active.ended) active.process.kill();
    }, STOP_GRACE_MS);
    const final = await ended;
    clearTimeout(timer);
    return final;
  }

  /**
   * Resolves with the run's record once it has ended here (finished, or let go when its lease was
   * lost or its end could not be recorded); at once for a run this manager does not hold.
   */
  waitFor(id: number): Promise<Run> {
    const run = this.readBack(id);
    if (run && !this.holds(id)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Stops every active run (on quit), so no process outlives the app, and the heartbeat. */
  async stopAll(): Promise<void> {
    for (const { id } of [...this.queue]) await this.stop(id);
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)));
    clearInterval(this.heartbeat);
  }

  private refuseReadOnly(what: string): void {
    if (this.opts.store.readonly) {
      throw new HostError('conflict', `the workbench database ${this.opts.store.file} is open read-only here: runs cannot be ${what}`);
    }
  }

  /** The heartbeat: renews the leases of the runs held here; a run whose lease another process took is let go. */
  private renewLeases(): void {
    const ids = [...this.queue.map((q) => q.id), ...[...this.active].filter(([, a]) => !a.ended).map(([id]) => id)];
    if (ids.length === 0) return;
    try {
      const held = new Set(this.opts.store.leases.renew(ids, this.opts.owner, this.ttlMs));
      for (const id of ids) if (!held.has(id)) this.letGo(id, 'its lease expired and another process took the run over');
    } catch (error) {
      // A failing renewal (disk full, a lock held too long) is retried at the next beat; the lease outlives several.
      console.error(`could not renew the run leases of ${this.opts.owner}: ${message(error)}`);
    }
  }

  /** Stops holding a run without writing its status (another process owns it now, or the store cannot be written). */
  private letGo(id: number, why: string): void {
    console.error(`run ${id}: ${why}; this process stops working on it`);
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) this.queue.splice(queued, 1);
    const active = this.active.get(id);
    if (active) {
      active.ended = true;
      active.process.kill();
      this.active.delete(id);
    }
    this.settle(id, this.readBack(id));
    this.schedule();
  }

  private schedule(): void {
    while (this.active.size < this.maxConcurrent && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.launch(next);
    }
  }

  private launch({ id, resumeFrom }: QueuedRun): void {
    const { store } = this.opts;
    let proc: EngineProcess;
    let run: Run | null;
    try {
      run = store.runs.get(id);
      if (!run) return;
      proc = this.opts.launcher();
    } catch (error) {
      this.finish(id, 'failed', `could not start the engine process: ${message(error)}`);
      return;
    }
    const config = run.config as RunConfig;
    const active: ActiveRun = { process: proc, stopRequested: false, ended: false };
    this.active.set(id, active);
    proc.onMessage((m) => {
      if (active.ended && m.type !== 'ready') return;
      try {
        if (m.type === 'ready') {
          const checkpointDir = join(this.opts.checkpointRoot, `run-${id}`);
          proc.send({ type: 'start', runId: id, config, resourcesDir: this.opts.resourcesDir, checkpointDir, ...(resumeFrom ? { resumeFrom } : {}) });
        } else this.persist(id, active, m);
      } catch (error) {
        // A store failure must not kill main: the engine is stopped and the run failed with the cause.
        active.ended = true;
        proc.kill();
        const what = `could not record the engine's ${m.type}: ${message(error)}`;
        this.finish(id, 'failed', isDiskFull(error) ? `disk full: ${what}` : what);
      }
    });
    proc.onExit((reason) => {
      if (active.ended) return;
      active.ended = true;
      if (active.stopRequested) this.finish(id, 'cancelled');
      else this.finish(id, 'failed', `the engine process ended unexpectedly (${reason})`);
    });
    this.emitStatus(id);
  }

  private persist(id: number, active: ActiveRun, m: EngineToHost): void {
    const { store, bus } = this.opts;
    switch (m.type) {
      case 'started':
        this.lastKnown.set(id, store.runs.markStarted(id, m.backend));
        bus.emit('run.status', this.lastKnown.get(id)!);
        store.logs.add(id, 'info', `backend: ${m.backend} (${m.backendDetail})`);
        return;
      case 'metrics':
        const time = store.metrics.append(id, m.points);
        bus.emit('run.metrics', { runId: id, points: m.points.map((p) => ({ ...p, time })) });
        return;
      case 'genotype': {
        const record = { step: m.step, epoch: m.epoch, final: m.final, genotype: m.genotype };
        store.genotypes.add(id, record);
        bus.emit('run.genotype', { runId: id, ...record, createdAt: new Date().toISOString() });
        return;
      }
      case 'artifact':
        store.artifacts.add(id, m.kind, m.step, m.data);
        return;
      case 'log':
        this.log(id, m.level, m.message);
        return;
      case 'progress':
        store.runs.setProgress(id, m.done, m.total);
        this.emitStatus(id);
        return;
      case 'checkpoint':
        this.recordCheckpoint(id, m);
        return;
      case 'resumed':
        // Before anything else the resumed engine sends: what the dead process wrote after this step goes.
        this.removeFiles(id, store.checkpoints.rewindTo(id, m.step));
        this.log(id, 'info', `resumed from the checkpoint at step ${m.step}`);
        this.emitStatus(id);
        return;
      case 'finished':
        active.ended = true;
        this.finish(id, m.status);
        return;
      case 'failed':
        active.ended = true;
        this.finish(id, 'failed', m.error);
        return;
      case 'ready':
      case 'backend':
        return;
    }
  }

  /** A checkpoint that cannot be recorded costs a resume point, not the run: it is logged and training goes on. */
  private recordCheckpoint(id: number, m: Extract<EngineToHost, { type: 'checkpoint' }>): void {
    try {
      this.opts.store.checkpoints.add(id, { step: m.step, epoch: m.epoch, file: m.file, bytes: m.bytes, sha256: m.sha256 });
      this.removeFiles(id, this.opts.store.checkpoints.prune(id, CHECKPOINTS_KEPT));
      this.emitStatus(id);
    } catch (error) {
      console.error(`run ${id}: could not record the checkpoint at step ${m.step}: ${message(error)}`);
      try {
        this.log(id, 'warn', `the checkpoint at step ${m.step} was not recorded: ${message(error)}`);
      } catch {
        // The store is failing; the message above is on stderr.
      }
    }
  }

  private removeFiles(id: number, files: string[]): void {
    for (const problem of deleteCheckpointFiles(join(this.opts.checkpointRoot, `run-${id}`), files)) {
      console.error(`run ${id}: ${problem}`);
    }
  }

  private log(id: number, level: 'info' | 'warn' | 'error', text: string): void {
    this.opts.store.logs.add(id, level, text);
    this.opts.bus.emit('run.log', { runId: id, time: new Date().toISOString(), level, message: text });
  }

  private emitStatus(id: number): void {
    const run = this.opts.store.runs.get(id);
    if (!run) return;
    this.lastKnown.set(id, run);
    this.opts.bus.emit('run.status', run);
  }

  /** The run's record from the store, else the last one seen (the store may be what is failing). */
  private readBack(id: number): Run | null {
    try {
      return this.opts.store.runs.get(id) ?? this.lastKnown.get(id) ?? null;
    } catch {
      return this.lastKnown.get(id) ?? null;
    }
  }

  /**
   * Records the end of a run. Never throws: when the store cannot take the final status (disk full,
   * the run taken over), the run is let go and its lease expires, so it reads as interrupted.
   */
  private finish(id: number, status: 'completed' | 'failed' | 'cancelled', error?: string): Run {
    this.active.delete(id);
    let run: Run | null;
    try {
      run = this.opts.store.runs.markFinished(id, status, error, this.opts.owner);
      this.opts.bus.emit('run.status', run);
    } catch (failure) {
      console.error(`run ${id}: could not record it as ${status}${error ? ` (${error})` : ''}: ${message(failure)}`);
      run = this.readBack(id);
    }
    const final = run ?? ({ ...this.lastKnown.get(id)!, status, error: error ?? null } as Run);
    this.settle(id, final);
    this.schedule();
    return final;
  }

  private settle(id: number, run: Run | null): void {
    this.lastKnown.delete(id);
    const waiting = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    if (run) for (const resolve of waiting) resolve(run);
  }
}
