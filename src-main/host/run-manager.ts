import { join } from 'node:path';
import type { RunConfig } from '../../src-shared/model/run-config';
import { FINISHED_STATUSES, type Run } from '../../src-shared/model/records';
import type { Store } from '../store';
import type { EngineToHost } from '../engine/protocol';
import type { EngineLauncher, EngineProcess } from './engine-launcher';
import type { EventBus } from './event-bus';
import { HostError } from './host-error';

/** A stop asks the engine to finish its step; after this long the process is killed instead. */
const STOP_GRACE_MS = 1500;

interface ActiveRun {
  process: EngineProcess;
  stopRequested: boolean;
  ended: boolean;
}

export interface RunManagerOptions {
  store: Store;
  bus: EventBus;
  launcher: EngineLauncher;
  resourcesDir: string;
  /** Root folder of checkpoint files; each run writes into `<checkpointRoot>/run-<id>`. */
  checkpointRoot: string;
  /** How many engine processes may train at once; further runs wait queued. */
  maxConcurrentRuns?: number;
}

/**
 * Owns the life of runs: queued → running → completed | failed | cancelled. It starts one engine
 * process per run, persists everything the engine reports before forwarding it as an event, and
 * turns any way a process can end into a final status with its reason.
 */
export class RunManager {
  private readonly queue: number[] = [];
  private readonly active = new Map<number, ActiveRun>();
  private readonly waiters = new Map<number, Array<(run: Run) => void>>();
  private readonly maxConcurrent: number;

  constructor(private readonly opts: RunManagerOptions) {
    this.maxConcurrent = opts.maxConcurrentRuns ?? 1;
  }

  start(input: { experimentId?: number; name?: string; config: RunConfig }): Run {
    const { store } = this.opts;
    const experiment =
      input.experimentId === undefined ? store.experiments.getOrCreateDefault() : store.experiments.get(input.experimentId);
    if (!experiment) throw new HostError('not_found', `experiment ${input.experimentId} does not exist`, 'experimentId');
    const run = store.runs.create({
      experimentId: experiment.id,
      name: input.name ?? input.config.name ?? `${input.config.algorithm} (seed ${input.config.seed})`,
      algorithm: input.config.algorithm,
      config: input.config,
      seed: input.config.seed,
    });
    this.opts.bus.emit('run.status', run);
    this.queue.push(run.id);
    this.schedule();
    return store.runs.get(run.id) ?? run;
  }

  /** Ends a run within about two seconds and answers its final record. */
  async stop(id: number): Promise<Run> {
    const { store } = this.opts;
    const run = store.runs.get(id);
    if (!run) throw new HostError('not_found', `run ${id} does not exist`, 'id');
    if (FINISHED_STATUSES.includes(run.status)) return run;
    const queued = this.queue.indexOf(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return this.finish(id, 'cancelled');
    }
    const active = this.active.get(id);
    if (!active) return this.finish(id, 'cancelled');
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

  /** Resolves with the run's final record once it has ended. */
  waitFor(id: number): Promise<Run> {
    const run = this.opts.store.runs.get(id);
    if (run && FINISHED_STATUSES.includes(run.status)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Stops every active run (on quit), so no process outlives the app. */
  async stopAll(): Promise<void> {
    for (const id of [...this.queue]) await this.stop(id);
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)));
  }

  private schedule(): void {
    while (this.active.size < this.maxConcurrent && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.launch(id);
    }
  }

  private launch(id: number): void {
    const { store, bus } = this.opts;
    const run = store.runs.get(id);
    if (!run) return;
    const proc = this.opts.launcher();
    const active: ActiveRun = { process: proc, stopRequested: false, ended: false };
    this.active.set(id, active);
    proc.onMessage((message) => {
      try {
        if (message.type === 'ready') {
          proc.send({
            type: 'start',
            runId: id,
            config: run.config as RunConfig,
            resourcesDir: this.opts.resourcesDir,
            checkpointDir: join(this.opts.checkpointRoot, `run-${id}`),
          });
        } else this.persist(id, active, message);
      } catch (error) {
        // A store failure must not kill main; the run is failed with the cause and its engine stopped.
        active.ended = true;
        proc.kill();
        this.finish(id, 'failed', `could not record the engine's ${message.type}: ${(error as Error).message}`);
      }
    });
    proc.onExit((reason) => {
      if (active.ended) return;
      active.ended = true;
      if (active.stopRequested) this.finish(id, 'cancelled');
      else this.finish(id, 'failed', `the engine process ended unexpectedly (${reason})`);
    });
    bus.emit('run.status', store.runs.get(id)!);
  }

  private persist(id: number, active: ActiveRun, message: EngineToHost): void {
    const { store, bus } = this.opts;
    switch (message.type) {
      case 'started':
        bus.emit('run.status', store.runs.markStarted(id, message.backend));
        store.logs.add(id, 'info', `backend: ${message.backend} (${message.backendDetail})`);
        return;
      case 'metrics':
        store.metrics.append(id, message.points);
        bus.emit('run.metrics', { runId: id, points: message.points });
        return;
      case 'genotype': {
        const record = { step: message.step, epoch: message.epoch, final: message.final, genotype: message.genotype };
        store.genotypes.add(id, record);
        bus.emit('run.genotype', { runId: id, ...record, createdAt: new Date().toISOString() });
        return;
      }
      case 'artifact':
        store.artifacts.add(id, message.kind, message.step, message.data);
        return;
      case 'log':
        store.logs.add(id, message.level, message.message);
        bus.emit('run.log', { runId: id, time: new Date().toISOString(), level: message.level, message: message.message });
        return;
      case 'progress':
        store.runs.setProgress(id, message.done, message.total);
        bus.emit('run.status', store.runs.get(id)!);
        return;
      case 'finished':
        active.ended = true;
        this.finish(id, message.status);
        return;
      case 'failed':
        active.ended = true;
        this.finish(id, 'failed', message.error);
        return;
      case 'ready':
      case 'backend':
        return;
    }
  }

  private finish(id: number, status: 'completed' | 'failed' | 'cancelled', error?: string): Run {
    const run = this.opts.store.runs.markFinished(id, status, error);
    this.active.delete(id);
    this.opts.bus.emit('run.status', run);
    for (const resolve of this.waiters.get(id) ?? []) resolve(run);
    this.waiters.delete(id);
    this.schedule();
    return run;
  }
}
