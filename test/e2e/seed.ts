import { join } from 'node:path';
import { newOwnerId, openStore } from '../../src-main/store';
import { STORE_FILE } from '../../src-main/host/paths';
import type { DartsGenotype } from '../../src-shared/model/genotype';
import { PRESETS } from '../../src-shared/model/presets';
import { robustDartsSpace } from '../../src-shared/model/robust-darts';
import { DartsConfig } from '../../src-shared/model/algorithms/darts';
import type { MetricPoint } from '../../src-shared/model/metrics';

/** The quick preset's search in RobustDARTS's S2 space (skip_connect or sep_conv_3x3 on every edge, 4 nodes). */
export const QUICK_S2 = DartsConfig.parse({ ...PRESETS.quick, space: robustDartsSpace('S2', { layers: 3, channels: 4, stemMultiplier: 3 }) });
/** The quick preset's 128 images, half for the weights, batches of 8. */
const STEPS_PER_EPOCH = 8;

/** A normal cell of 4 nodes whose first `skips` node inputs are skip connections, the rest sep_conv_3x3. */
function normalCell(skips: number): DartsGenotype {
  const inputs: [number, number][] = [[0, 1], [0, 1], [0, 2], [1, 2], [0, 3], [2, 3], [1, 4], [3, 4]].map(([a, b], i) => [i % 2 === 0 ? a : b, i]) as never;
  const normal = inputs.map(([input], i): [string, number] => [i < skips ? 'skip_connect' : 'sep_conv_3x3', input]);
  return { space: 'darts', normal, normal_concat: [2, 3, 4, 5], reduce: normal.map(([, input]) => ['sep_conv_3x3', input]), reduce_concat: [2, 3, 4, 5] };
}

export interface SeedOptions {
  name: string;
  /** Skip connections among the normal cell's 8 inputs at the end of epochs 1..4. */
  skipsPerEpoch: number[];
  /**
   * Whether the stream holds what the engine records since the collapse warning exists
   * (`genotype.param_free.normal`, `warning.collapse` and its log line); false: a run recorded before.
   */
  withWarningKeys: boolean;
  /** Also store PVLL-style predicted/measured pairs (for the scatter), keyed as the PVLL strategy does. */
  pvllPairs?: number;
}

/**
 * Writes a completed DARTS run on the quick preset's S2 space into a data dir's store, with the
 * metric stream, genotypes, alphas and log a 4-epoch run records (epoch-report.ts's keys at each
 * epoch's end, step 8·epoch; Hessian every 2 epochs as the preset says). The running server reads
 * it like a run a CLI process wrote. Returns the run's and its experiment's ids.
 */
export function seedDartsRun(dataDir: string, o: SeedOptions): { runId: number; experimentId: number } {
  const store = openStore(join(dataDir, STORE_FILE));
  try {
    const experiment = store.experiments.list().find((e) => e.name === 'Diagnostics') ?? store.experiments.create({ name: 'Diagnostics', description: 'seeded runs' });
    // Held by a lease while it is written, as an engine process holds its run: a queued run without one reads as interrupted.
    const owner = newOwnerId();
    const run = store.runs.create({ experimentId: experiment.id, name: o.name, algorithm: 'darts', config: QUICK_S2, seed: 0 }, { owner, ttlMs: 60_000 });
    store.runs.markStarted(run.id, 'wasm');
    store.logs.add(run.id, 'info', `dataset embedded: 64 images train the weights, 64 the architecture; ${STEPS_PER_EPOCH} steps per epoch`);
    let warned = false;
    o.skipsPerEpoch.forEach((skips, i) => {
      const epoch = i + 1;
      const step = STEPS_PER_EPOCH * epoch;
      const at = (key: string, value: number): MetricPoint => ({ step, epoch, key, value });
      const points: MetricPoint[] = [at('valid.loss', 1.1 - 0.08 * epoch), at('valid.acc', 0.4 + 0.05 * epoch), at('alpha.entropy.normal', 0.69 - 0.05 * epoch), at('alpha.entropy.reduce', 0.69 - 0.03 * epoch)];
      points.push(at('genotype.skip.normal', skips), at('genotype.skip.reduce', 0));
      if (epoch % 2 === 0) points.push(at('hessian.eigenvalue', 0.05 * epoch));
      for (let s = step - STEPS_PER_EPOCH + 2; s <= step; s += 2) points.push({ step: s, epoch: s / STEPS_PER_EPOCH, key: 'train.loss', value: 1.2 - 0.02 * s });
      if (o.withWarningKeys) {
        points.push(at('genotype.param_free.normal', skips));
        if (!warned && skips >= 4) {
          warned = true;
          points.push(at('warning.collapse', epoch));
          store.logs.add(run.id, 'warn', `epoch ${epoch}: collapse warning: parameter-free operations (skip connections, pooling) take ${skips} of the normal cell's 8 inputs (threshold 50 %): the cell is collapsing`);
        }
      }
      store.metrics.append(run.id, points);
      store.genotypes.add(run.id, { step, epoch, final: epoch === o.skipsPerEpoch.length, genotype: normalCell(skips) });
      // softmax(α) of S2's two ops drifting towards skip_connect: rows of raw α [skip, sep].
      const alpha = Array.from({ length: 14 }, (_, e) => [0.02 * epoch * (1 + (e % 3)), -0.01 * epoch * (e % 2)]);
      const cells = ['normal', 'reduce'].map((kind) => ({ kind, edgeOps: Array.from({ length: 14 }, () => ['skip_connect', 'sep_conv_3x3']), alpha }));
      store.artifacts.add(run.id, 'alphas', step, { space: QUICK_S2.space, cells });
    });
    for (let k = 0; k < (o.pvllPairs ?? 0); k++) {
      const step = 100 + k;
      const measured = 2.3 - 0.02 * k;
      store.metrics.append(run.id, [{ step, epoch: 4, key: 'pvll.measured', value: measured }, { step, epoch: 4, key: 'pvll.predicted', value: measured + 0.05 * Math.sin(k) }]);
    }
    const total = STEPS_PER_EPOCH * o.skipsPerEpoch.length;
    store.runs.setProgress(run.id, total, total);
    store.runs.markFinished(run.id, 'completed', undefined, owner);
    return { runId: run.id, experimentId: experiment.id };
  } finally {
    store.close();
  }
}
