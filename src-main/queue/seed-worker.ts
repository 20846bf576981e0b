import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Rng } from '../../src-shared/model/rng';
import { decodeCheckpoint, encodeCheckpoint, sha256 } from '../engine/checkpoint/file';
import { bundleReader, bundleWriter, emptyBundle } from '../engine/checkpoint/state';
import type { WeightsArtifact } from '../engine/evaluate/trained-weights';
import { createEvaluationStrategy } from '../engine/search/evaluation';
import type { Reporter, SearchStrategy } from '../engine/search/strategy';
import { verifyDataset } from './dataset-ref';
import {
  CHECKPOINT_TTL_SECONDS,
  checkpointKeyOf,
  WEIGHTS_TTL_SECONDS,
  weightsKeyOf,
  type SeedJob,
  type SeedProgress,
  type SeedReport,
  type SeedResult,
} from './seed-job';

export interface SeedWorkerContext {
  /** `host:pid` of this worker. */
  id: string;
  host: string;
  /** Where checkpoints and weights go (the worker's own connection, not BullMQ's blocking one). */
  redis: Redis;
  resourcesDir: string;
  log: (line: string) => void;
}

/** The reports so far travel inside the job's checkpoint, so a resumed attempt still returns all of them. */
const REPORTS_STATE = 'queue.reports';

/**
 * Trains one evaluation-run seed as the local run would (createEvaluationStrategy, `new
 * Rng(seed)` as the run loop seeds it) and reports every epoch through the job's progress. At each
 * epoch's end the strategy's state goes to Redis under the job's checkpoint key; an attempt that
 * finds one there (its predecessor died or timed out) loads it and goes on from that step, so the
 * result is the uninterrupted training's. The weights file goes to Redis under the weights key.
 */
export async function trainSeed(job: Job, data: SeedJob, ctx: SeedWorkerContext): Promise<SeedResult> {
  const attempt = Math.max(1, job.attemptsStarted);
  // The time limit runs per epoch: each checkpoint keeps the work before it, so only an attempt
  // that makes no progress for that long is given up (a paper-size training takes days).
  let since = Date.now();
  const progress = (p: Omit<SeedProgress, 'worker' | 'attempt'>) => job.updateProgress({ worker: ctx.id, attempt, ...p } satisfies SeedProgress);
  await progress({ phase: 'checking data', step: 0, totalSteps: 0, resumedFrom: 0, from: 0, reports: [] });
  verifyDataset(data.dataset, ctx.resourcesDir, ctx.host);

  let reports: SeedReport[] = [];
  let sent = 0;
  const reporter: Reporter = {
    metrics: (points) => {
      // As the local run's reporter does: NaN and ±Infinity are not stored (and JSON would turn them into null).
      const finite = points.filter((p) => Number.isFinite(p.value));
      if (finite.length > 0) reports.push({ type: 'metrics', points: finite });
    },
    artifact: (kind, step, value) => void reports.push({ type: 'artifact', kind, step, data: value }),
    log: (level, message) => void reports.push({ type: 'log', level, message }),
    genotype() {},
    progress() {},
  };
  const outputDir = mkdtempSync(join(tmpdir(), 'nas-seed-'));
  let strategy: SearchStrategy | null = null;
  try {
    strategy = await createEvaluationStrategy({ config: data.config, rng: new Rng(data.config.seed), reporter, resourcesDir: ctx.resourcesDir, outputDir });
    const checkpointKey = checkpointKeyOf(data.key);
    let step = 0;
    const saved = await ctx.redis.getBuffer(checkpointKey);
    if (saved) {
      const { info, bundle } = decodeCheckpoint(saved, `redis ${checkpointKey}`);
      strategy.loadState(bundleReader(bundle, `redis ${checkpointKey}`));
      // What the fresh strategy reported while it was built is already in the saved reports.
      reports = bundle.json.get(REPORTS_STATE) as SeedReport[];
      sent = reports.length;
      step = info.step;
      ctx.log(`${data.key}: resuming from its checkpoint at step ${step}`);
    }
    const resumedFrom = step;
    const total = strategy.totalSteps;
    const flush = async () => {
      const from = sent;
      sent = reports.length;
      await progress({ phase: 'training', step, totalSteps: total, resumedFrom, from, reports: reports.slice(from) });
    };
    await flush();
    for (let done = step >= total; !done; ) {
      if (Date.now() - since > data.timeoutMs) throw new Error(`attempt on ${ctx.id} spent more than the time limit of ${data.timeoutMs / 1000} s on one epoch, at step ${step} (the retry resumes from the last checkpoint)`);
      const result = await strategy.step();
      step++;
      done = result.done;
      if (result.epochEnd && !done) {
        const bundle = emptyBundle();
        strategy.saveState(bundleWriter(bundle));
        bundle.json.set(REPORTS_STATE, reports);
        await ctx.redis.set(checkpointKey, encodeCheckpoint({ algorithm: 'evaluation', step, epoch: 0 }, bundle), 'EX', CHECKPOINT_TTL_SECONDS);
        since = Date.now();
      }
      if (result.epochEnd || done) await flush();
      // A training step holds the thread; between steps BullMQ renews the job's lock.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const weights = await sendWeights(data.key, reports, ctx.redis);
    await ctx.redis.del(checkpointKey);
    return { key: data.key, reports, weights, worker: ctx.id, host: ctx.host, attempt, resumedFrom };
  } finally {
    strategy?.dispose();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** Puts the weights file the strategy wrote into Redis; null when the training saved none (its report says why). */
async function sendWeights(key: string, reports: SeedReport[], redis: Redis): Promise<SeedResult['weights']> {
  const artifact = reports.find((r) => r.type === 'artifact' && r.kind === 'evaluation.weights');
  if (!artifact || artifact.type !== 'artifact') return null;
  const bytes = readFileSync((artifact.data as WeightsArtifact).file);
  const redisKey = weightsKeyOf(key);
  await redis.set(redisKey, bytes, 'EX', WEIGHTS_TTL_SECONDS);
  return { redisKey, bytes: bytes.length, sha256: sha256(bytes) };
}
