import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import { checkpointName, readCheckpoint, sha256, writeCheckpoint } from '../../../src-main/engine/checkpoint/file';
import { restoreNewestIntact, saveCheckpoint } from '../../../src-main/engine/checkpoint/resume';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { strategyFor } from '../../../src-main/engine/search/registry';
import type { SearchStrategy } from '../../../src-main/engine/search/strategy';
import type { CheckpointRef } from '../../../src-main/engine/protocol';
import { resourcesDir } from '../../../src-main/host/paths';

const silent = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

describe('checkpoint file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ckpt-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A state with one tensor of each dtype and JSON with the values JSON alone loses. */
  function sample(): ReturnType<typeof emptyBundle> {
    const bundle = emptyBundle();
    const out = bundleWriter(bundle);
    const w = tf.tensor2d([1.5, -2.25, 3e-8, 7], [2, 2]);
    const k = tf.tensor1d([3, -1, 2], 'int32');
    out.scope('net').tensor('w', w);
    out.tensor('k', k);
    tf.dispose([w, k]);
    out.json('counters', { step: 7, odd: [Number.NaN, Number.POSITIVE_INFINITY, -0.1 + 0.3] });
    return bundle;
  }
  const info = { algorithm: 'darts', step: 12, epoch: 3 };

  it('writes atomically: only step-<n>.ckpt is left, and its SHA-256 is what was reported', () => {
    const written = writeCheckpoint(dir, info, sample());
    expect(readdirSync(dir)).toEqual([checkpointName(12)]);
    expect(written.file).toBe(join(dir, 'step-000000012.ckpt'));
    const bytes = readFileSync(written.file);
    expect(written.bytes).toBe(bytes.length);
    expect(written.sha256).toBe(sha256(bytes));
  });

  it('reads back every tensor bit for bit and the JSON state with NaN and Infinity', () => {
    const written = writeCheckpoint(dir, info, sample());
    const { info: back, bundle } = readCheckpoint(written, 'darts');
    expect(back).toEqual(info);
    const reader = bundleReader(bundle, written.file);
    const w = reader.scope('net').tensor('w', [2, 2]);
    const k = reader.tensor('k', [3]);
    // float32 rounding of the literals, done independently by Math.fround
    expect(Array.from(w.dataSync())).toEqual([1.5, -2.25, Math.fround(3e-8), 7]);
    expect(k.dtype).toBe('int32');
    expect(Array.from(k.dataSync())).toEqual([3, -1, 2]);
    tf.dispose([w, k]);
    expect(reader.json('counters')).toEqual({ step: 7, odd: [Number.NaN, Number.POSITIVE_INFINITY, -0.1 + 0.3] });
  });

  it('names the file and the fault: truncated, a flipped byte, another algorithm, another format, a wrong shape', () => {
    const written = writeCheckpoint(dir, info, sample());
    const bytes = readFileSync(written.file);

    // Recorded with the truncated file's own hash, so the parse itself meets the missing bytes.
    const truncated = join(dir, 'truncated.ckpt');
    writeFileSync(truncated, bytes);
    truncateSync(truncated, bytes.length - 5);
    expect(() => readCheckpoint({ file: truncated, sha256: sha256(readFileSync(truncated)) }, 'darts')).toThrow(
      new RegExp(`checkpoint ${truncated} is damaged: truncated: tensor 'k'`),
    );

    const flipped = join(dir, 'flipped.ckpt');
    const copy = Buffer.from(bytes);
    copy[copy.length - 3] ^= 0x10;
    writeFileSync(flipped, copy);
    expect(() => readCheckpoint({ file: flipped, sha256: written.sha256 }, 'darts')).toThrow(
      new RegExp(`checkpoint ${flipped} is damaged: its SHA-256 is [0-9a-f]{64}, ${written.sha256} was recorded`),
    );

    expect(() => readCheckpoint(written, 'gdas')).toThrow(`checkpoint ${written.file} was written by a 'darts' run; this run is 'gdas'`);

    const future = join(dir, 'future.ckpt');
    const header = bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8)).replace('"format":1', '"format":9');
    const rewritten = Buffer.concat([bytes.subarray(0, 12), Buffer.from(header), bytes.subarray(12 + bytes.readUInt32LE(8))]);
    writeFileSync(future, rewritten);
    expect(() => readCheckpoint({ file: future, sha256: sha256(rewritten) }, 'darts')).toThrow(`checkpoint ${future} has format version 9; this engine reads version 1`);

    expect(() => readCheckpoint({ file: join(dir, 'gone.ckpt'), sha256: written.sha256 }, 'darts')).toThrow(/gone\.ckpt is missing/);

    const reader = bundleReader(readCheckpoint(written, 'darts').bundle, written.file);
    expect(() => reader.scope('net').tensor('w', [4, 1])).toThrow(
      `checkpoint ${written.file}: tensor 'net.w' has shape [2, 2], the network built from this config has [4, 1]`,
    );
  });
});

describe('resume from the newest intact checkpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ckpt-resume-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = RunConfig.parse({ algorithm: 'random', budget: 10, seed: 4 });
  const build = (): Promise<SearchStrategy> => strategyFor(config)({ config, rng: new Rng(config.seed), reporter: silent, resourcesDir: resourcesDir() });

  /** Checkpoints after queries 2 and 4 of one run, newest first, as the host hands them back. */
  async function twoCheckpoints(): Promise<CheckpointRef[]> {
    const strategy = await build();
    const refs: CheckpointRef[] = [];
    for (let step = 1; step <= 4; step++) {
      await strategy.step();
      if (step % 2 === 0) refs.unshift({ step, ...saveCheckpoint(dir, strategy, { algorithm: 'random', step, epoch: 0 }) });
    }
    strategy.dispose();
    return refs;
  }

  it('falls back to the checkpoint before a damaged one, warning what is wrong', async () => {
    const refs = await twoCheckpoints();
    const bytes = readFileSync(refs[0].file);
    bytes[20] ^= 1;
    writeFileSync(refs[0].file, bytes);
    const warnings: string[] = [];
    const { strategy, info, file } = await restoreNewestIntact(refs, config, build, (m) => warnings.push(m));
    expect(info.step).toBe(2);
    expect(file).toBe(refs[1].file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`cannot resume from ${refs[0].file}: checkpoint .* is damaged: its SHA-256 is`));
    strategy.dispose();
  });

  it('refuses, naming the tensor and both shapes, a checkpoint of a network of another size', async () => {
    const train = (channels: number) => RunConfig.parse({ algorithm: 'train', channels, steps: 3, batchSize: 4, dataset: { trainLimit: 16, testLimit: 8 } });
    const buildTrain = (c: RunConfig) => strategyFor(c)({ config: c, rng: new Rng(c.seed), reporter: silent, resourcesDir: resourcesDir() });
    const small = await buildTrain(train(2));
    await small.step();
    const ref = { step: 1, ...saveCheckpoint(dir, small, { algorithm: 'train', step: 1, epoch: 0 }) };
    small.dispose();
    const warnings: string[] = [];
    const before = tf.memory().numTensors;
    await expect(restoreNewestIntact([ref], train(3), () => buildTrain(train(3)), (m) => warnings.push(m))).rejects.toThrow(/none of the 1 checkpoint\(s\) is usable/);
    expect(warnings[0]).toContain(`checkpoint ${ref.file}: tensor 'weights.stem.conv' has shape [3, 3, 1, 2], the network built from this config has [3, 3, 1, 3]`);
    // the half-restored strategy was disposed
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails naming every file when all are damaged', async () => {
    const refs = await twoCheckpoints();
    truncateSync(refs[0].file, 100);
    rmSync(refs[1].file);
    const warnings: string[] = [];
    const attempt = restoreNewestIntact(refs, config, build, (m) => warnings.push(m));
    await expect(attempt).rejects.toThrow(`cannot resume: none of the 2 checkpoint(s) is usable (${refs[0].file}, ${refs[1].file})`);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/is missing/);
  });
});
