import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src-shared/model/rng';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { RunConfig } from '../../src-shared/model/run-config';
import type { EngineToHost } from './protocol';
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
}

/**
 * Runs one strategy to its end: step until done or stopped. Yields to the event loop between steps
 * so that a stop message is received while training.
 */
export async function runStrategy(opts: RunLoopOptions): Promise<'completed' | 'cancelled'> {
  const reporter = new ProtocolReporter(opts.send);
  const rng = new Rng(opts.config.seed);
  let strategy: SearchStrategy | null = null;
  try {
    strategy = await strategyFor(opts.config)({ config: opts.config, rng, reporter, resourcesDir: opts.resourcesDir });
    reporter.progress(0, strategy.totalSteps);
    let done = false;
    while (!done) {
      if (opts.stopRequested()) return 'cancelled';
      ({ done } = await strategy.step());
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return 'completed';
  } finally {
    reporter.flush();
    strategy?.dispose();
    reporter.log('info', `tensors alive at the end of the run: ${tf.memory().numTensors}`);
  }
}
