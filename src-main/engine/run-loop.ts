import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src-shared/model/rng';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { RunConfig } from '../../src-shared/model/run-config';
import type { CheckpointRef, EngineToHost } from './protocol';
import { checkpointEveryFor, restoreNewestIntact, saveCheckpoint } from './checkpoint/resume';
import { strategyFor } from './search/registry';
import type { Reporter, SearchStrategy } from './search/strategy';

/** Metric points are sent in batches so that the host writes them in few transactions. */
const METRIC_FLUSH_MS = 200;
const METRIC_FLUSH_POINTS = 500;

/**
 * A Reporter that turns a strategy's reports into protocol messages, batching metric points and
 * progress (both can come every step) and sending everything else at once.
 */
export class ProtocolReporter implements Reporter {
  private points: MetricPoint[] = [];
  private lastFlush = Date.now();
  private lastProgress: { done: number; total: number } | null = null;

  constructor(private readonly send: (m: EngineToHost) => void) {}

  metrics(points: MetricPoint[]): void {
    for (const p of points) {
      if (!Number.isFinite(p.value)) continue; // NaN/inf are reported in the log by the strategy, not stored as points
      this.points.push(p);
    }
    if (this.points.length >= METRIC_FLUSH_POINTS || Date.now() - this.lastFlush >= METRIC_FLUSH_MS) this.flush();
  }
  genotype(genotype: Parameters<Reporter['genotype']>[0], info: { step: number; epoch: number; final: boolean }): void {
    this.flush();
    this.send({ type: 'genotype', genotype, ...info });
  }
  artifact(kind: string, step: number, data: unknown): void {
    this.send({ type: 'artifact', kind, step, data });
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.send({ type: 'log', level, message });
  }
  progress(done: number, total: number): void {
    this.lastProgress = { done, total };
    if (Date.now() - this.lastFlush >= METRIC_FLUSH_MS) this.flush();
  }
  flush(): void {
    if (this.points.length > 0) this.send({ type: 'metrics', points: this.points });
    this.points = [];
    if (this.lastProgress) this.send({ type: 'progress', ...this.lastProgress });
    this.lastProgress = null;
    this.lastFlush = Date.now();
  }
}

export interface RunLoopOptions {
  config: RunConfig;
  resourcesDir: string;
  send: (m: EngineToHost) => void;
  /** Polled between steps: true once the host asked the run to stop. */
  stopRequested: () => boolean;
  /** Folder for this run's checkpoint files; absent: no checkpoints (tests, probes). */
  checkpointDir?: string;
  /** Resume from the first usable of these (newest first) instead of starting fresh. */
  resumeFrom?: readonly CheckpointRef[];
}

/**
 * Runs one strategy to its end: step until done or stopped. Yields to the event loop between steps
 * so that a stop message is received while training. Every `checkpointEvery` steps, at each epoch's
 * end and when stopped, it checkpoints (after flushing every report up to that step); on
 * `resumeFrom` it restores the newest intact checkpoint and answers `resumed` before any report
 * of the restored strategy, so the host can drop what the dead process wrote after that step.
 */
export async function runStrategy(opts: RunLoopOptions): Promise<'completed' | 'cancelled'> {
  const { config } = opts;
  // Until the run knows where it starts, reports are held: `resumed` must precede them.
  let held: EngineToHost[] | null = [];
  const reporter = new ProtocolReporter((m) => (held ? held.push(m) : opts.send(m)));
  const build = async (): Promise<SearchStrategy> => {
    held = [];
    return strategyFor(config)({ config, rng: new Rng(config.seed), reporter, resourcesDir: opts.resourcesDir, outputDir: opts.checkpointDir });
  };
  let strategy: SearchStrategy | null = null;
  try {
    let at = { step: 0, epoch: 0 };
    if (opts.resumeFrom && opts.resumeFrom.length > 0) {
      const warn = (message: string) => opts.send({ type: 'log', level: 'warn', message });
      const restored = await restoreNewestIntact(opts.resumeFrom, config, build, warn);
      strategy = restored.strategy;
      at = { step: restored.info.step, epoch: restored.info.epoch };
      opts.send({ type: 'resumed', step: at.step, file: restored.file });
    } else strategy = await build();
    const release = held;
    held = null;
    for (const m of release) opts.send(m);
    if (at.step > 0) reporter.log('info', `resumed after step ${at.step} (epoch ${at.epoch})`);
    const running = strategy;
    const every = checkpointEveryFor(config);
    let saved = at.step;
    const checkpoint = () => {
      if (!opts.checkpointDir || saved === at.step) return;
      reporter.flush();
      try {
        const written = saveCheckpoint(opts.checkpointDir, running, { algorithm: config.algorithm, ...at });
        opts.send({ type: 'checkpoint', ...at, ...written });
        saved = at.step;
      } catch (error) {
        reporter.log('warn', `checkpoint after step ${at.step} not written: ${(error as Error).message}`);
      }
    };
    reporter.progress(at.step, running.totalSteps);
    let done = false;
    while (!done) {
      if (opts.stopRequested()) {
        checkpoint();
        return 'cancelled';
      }
      const result = await running.step();
      done = result.done;
      at = { step: at.step + 1, epoch: at.epoch + (result.epochEnd ? 1 : 0) };
      // The finished run needs no checkpoint: nothing is left to resume.
      if (!done && (at.step % every === 0 || result.epochEnd)) checkpoint();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return 'completed';
  } finally {
    if (held) for (const m of held) opts.send(m);
    held = null;
    reporter.flush();
    strategy?.dispose();
    reporter.log('info', `tensors alive at the end of the run: ${tf.memory().numTensors}`);
  }
}
