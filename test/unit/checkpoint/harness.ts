import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import { readCheckpoint } from '../../../src-main/engine/checkpoint/file';
import { saveCheckpoint } from '../../../src-main/engine/checkpoint/resume';
import { bundleReader } from '../../../src-main/engine/checkpoint/state';
import { strategyFor } from '../../../src-main/engine/search/registry';
import type { Reporter, SearchStrategy } from '../../../src-main/engine/search/strategy';
import { resourcesDir } from '../../../src-main/host/paths';

/** One report, tagged with the run-loop step (1-based count of step() calls) during which it came. */
export interface Record {
  during: number;
  what: 'metrics' | 'genotype' | 'artifact';
  data: unknown;
}

/**
 * Wall-clock measurements (metric keys `*.seconds`, artifact fields `*Seconds`) differ between any
 * two runs; they are replaced by a marker so that only their presence is compared.
 */
const WALL_CLOCK = 'wall-clock';
function maskWallClock(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(maskWallClock);
  if (data === null || typeof data !== 'object') return data;
  const o = data as { [k: string]: unknown };
  if (typeof o.key === 'string' && o.key.endsWith('.seconds')) return { ...o, value: WALL_CLOCK };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k.endsWith('Seconds') ? WALL_CLOCK : maskWallClock(v)]));
}

/** A reporter that keeps every metric, genotype and artifact (logs carry timings: left out). */
function recorder(): { reporter: Reporter; records: Record[]; at: { step: number } } {
  const records: Record[] = [];
  const at = { step: 0 };
  const push = (what: Record['what'], data: unknown) => records.push({ during: at.step, what, data: maskWallClock(structuredClone(data)) });
  const reporter: Reporter = {
    metrics: (points) => push('metrics', points),
    genotype: (genotype, info) => push('genotype', { genotype, ...info }),
    artifact: (kind, step, data) => push('artifact', { kind, step, data }),
    log() {},
    progress() {},
  };
  return { reporter, records, at };
}

async function build(config: RunConfig, reporter: Reporter): Promise<SearchStrategy> {
  return strategyFor(config)({ config, rng: new Rng(config.seed), reporter, resourcesDir: resourcesDir() });
}

/** Steps `strategy` to its end, from run-loop step `from`, calling `after(step, epochEnd)` after each. */
async function runToEnd(strategy: SearchStrategy, at: { step: number }, after: (step: number, epochEnd: boolean) => void = () => {}): Promise<void> {
  let done = false;
  while (!done) {
    at.step += 1;
    const result = await strategy.step();
    done = result.done;
    after(at.step, result.epochEnd ?? false);
  }
}

/**
 * The resume property for one config: an uninterrupted run with seed S, whose state is written to
 * a real checkpoint file after each step in `at`; then, for each of those files, a fresh strategy
 * (fresh Rng of seed S) restored from it and run to the end. Every report of the resumed run after
 * step k must equal the uninterrupted run's after step k exactly (float32 values bit for bit; the
 * restore copies every tensor and random state exactly, and the kernels are deterministic), and the
 * final genotype too. The tensor count must be back where it started after everything is disposed.
 * Returns the epoch-end steps seen, so a caller can check its `at` covers one. `input` is parsed by
 * the run-config schema, as the host does with a user's config.
 */
export async function expectResumeExact(input: unknown, at: number[]): Promise<{ epochEnds: number[]; totalSteps: number }> {
  const config = RunConfig.parse(input);
  const dir = mkdtempSync(join(tmpdir(), 'nas-resume-'));
  const tensorsBefore = tf.memory().numTensors;
  try {
    const reference = recorder();
    const strategy = await build(config, reference.reporter);
    const totalSteps = strategy.totalSteps;
    const files = new Map<number, { file: string; sha256: string }>();
    const epochEnds: number[] = [];
    await runToEnd(strategy, reference.at, (step, epochEnd) => {
      if (epochEnd) epochEnds.push(step);
      if (at.includes(step)) files.set(step, saveCheckpoint(dir, strategy, { algorithm: config.algorithm, step, epoch: 0 }));
    });
    const finalGenotype = strategy.genotype();
    strategy.dispose();
    expect([...files.keys()].sort((a, b) => a - b)).toEqual([...at].sort((a, b) => a - b));

    for (const [k, ref] of files) {
      const resumed = recorder();
      const fresh = await build(config, resumed.reporter);
      resumed.records.length = 0; // what the factory reported before the first step is not under test
      const { bundle } = readCheckpoint(ref, config.algorithm);
      fresh.loadState(bundleReader(bundle, ref.file));
      resumed.at.step = k;
      await runToEnd(fresh, resumed.at);
      expect({ k, records: resumed.records }).toEqual({ k, records: reference.records.filter((r) => r.during > k) });
      expect(fresh.genotype()).toEqual(finalGenotype);
      fresh.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    return { epochEnds, totalSteps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
