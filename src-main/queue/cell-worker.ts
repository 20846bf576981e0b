import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Rng } from '../../src-shared/model/rng';
import { decodeCheckpoint, encodeCheckpoint } from '../engine/checkpoint/file';
import { bundleReader, bundleWriter, emptyBundle } from '../engine/checkpoint/state';
import type { ResumableTrainingEvaluator } from '../engine/search/blackbox/evaluators/resumable-training';
import { createResumableEvaluator } from '../engine/search/blackbox/nosh-factory';
import type { Reporter } from '../engine/search/strategy';
import { CELL_STATE_TTL_SECONDS, cellStateKeyOf, type CellJob, type CellResult } from './cell-job';
import { verifyDataset } from './dataset-ref';
import type { SeedWorkerContext } from './seed-worker';

/**
 * Trains one rung of a NOSH cell: builds the run's pausable evaluator from its config and seed
 * exactly as the engine does (`new Rng(seed).fork('evaluator')`), loads the cell's paused state
 * from Redis (none: a fresh network), trains epoch by epoch to the job's `epochs`, writing the
 * state back after each (so a retry goes on from the last one), and scores the cell. At the full
 * training the state is deleted: NOSH never resumes a cell from the top level. A cell trained in
 * pieces ends with the weights it gets in one go (ResumableTrainingEvaluator), so a lost state
 * only costs time: the cell is trained again from its first epoch.
 */
export async function trainCell(job: Job, data: CellJob, ctx: SeedWorkerContext, log: Reporter['log']): Promise<CellResult> {
  const attempt = Math.max(1, job.attemptsStarted);
  const started = Date.now();
  await job.updateProgress({ worker: ctx.id, phase: 'checking data' });
  verifyDataset(data.dataset, ctx.resourcesDir, ctx.host);
  const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, progress() {}, log };
  // A fresh evaluator per job: its paused cells are this job's only.
  const { evaluator } = await createResumableEvaluator(data.evaluator, ctx.resourcesDir, new Rng(data.seed).fork('evaluator'), silent);
  const training = evaluator as ResumableTrainingEvaluator<unknown>;
  try {
    const arch = training.recipe.fromGenotype(data.genotype as never);
    const stateKey = cellStateKeyOf(data.runId, data.cell);
    let epochs = 0;
    const saved = await ctx.redis.getBuffer(stateKey);
    if (saved) {
      const { bundle } = decodeCheckpoint(saved, `redis ${stateKey}`);
      training.loadState(bundleReader(bundle, `redis ${stateKey}`));
      epochs = (bundle.json.get('cells') as { epochs: number }[])[0]?.epochs ?? 0;
    }
    // A later rung's state (a rung done twice) is ahead of this job: train this rung again from scratch.
    if (epochs > data.epochs) {
      training.release(arch);
      epochs = 0;
    }
    const resumedFrom = epochs;
    for (; epochs < data.epochs; epochs++) {
      await job.updateProgress({ worker: ctx.id, phase: 'training', attempt, epochs, target: data.epochs, resumedFrom });
      if (Date.now() - started > data.timeoutMs) throw new Error(`attempt on ${ctx.id} exceeded the time limit of ${data.timeoutMs / 1000} s at epoch ${epochs} (the retry resumes from there)`);
      await training.trainEpoch(arch, epochs);
      if (epochs + 1 < training.maxEpochs) {
        const bundle = emptyBundle();
        training.saveState(bundleWriter(bundle));
        await ctx.redis.set(stateKey, encodeCheckpoint({ algorithm: 'nosh-cell', step: epochs + 1, epoch: epochs + 1 }, bundle), 'EX', CELL_STATE_TTL_SECONDS);
      }
    }
    await job.updateProgress({ worker: ctx.id, phase: 'scoring', attempt, epochs, target: data.epochs, resumedFrom });
    const { metric, test } = await training.score(arch, data.epochs);
    if (data.epochs >= training.maxEpochs) await ctx.redis.del(stateKey);
    return { key: data.key, metric, ...(test === undefined ? {} : { test }), worker: ctx.id, host: ctx.host, attempt, resumedFrom };
  } finally {
    training.dispose();
  }
}
