import { beforeAll, describe, expect, it } from 'vitest';
import { DartsSpace } from '../../../src-shared/model/space';
import { planTrainingMemory } from '../../../src-main/engine/backend/plan-memory';
import { USABLE_FRACTION, type BackendMemory } from '../../../src-main/engine/backend/memory';
import { planDartsMemory } from '../../../src-main/engine/supernet/memory-plan';
import { initBackends } from './compare';

const GiB = 1024 ** 3;
const wasm4GiB: BackendMemory = { backend: 'wasm', ceilingBytes: 4 * GiB, heapBytes: 0, tensorBytes: 0 };

/** A step whose peak is `perSample` bytes per sample (plain), half of it recomputing cells, a quarter recomputing edges. */
const linear = (perSample: number) => async (batchSize: number, recompute: 'cells' | 'edges' | null) => ({
  batchSize,
  peakBytes: 1000 + (batchSize * perSample) / (recompute === 'edges' ? 4 : recompute === 'cells' ? 2 : 1),
});

describe('planTrainingMemory', () => {
  const base = { parameterCount: 1e6, optimizerSlots: 1, batchSize: 64, modes: ['cells', 'edges'] as const, memory: wasm4GiB };

  it('keeps the plain step when its estimate fits: 64 × 20 MiB + 12 MB of weights < 3.2 GiB', async () => {
    const plan = await planTrainingMemory({ ...base, measure: linear(20 * 2 ** 20) });
    expect(plan.recompute).toBeNull();
    expect(plan.estimate.bytes).toBe(64 * 20 * 2 ** 20 + 4 * 1e6 * 3);
  });

  it('recomputes cells when that fits (64 × 80 MiB plain, 40 MiB recomputing cells)', async () => {
    const plan = await planTrainingMemory({ ...base, measure: linear(80 * 2 ** 20) });
    expect(plan.recompute).toBe('cells');
    expect(plan.estimate.activationBytes).toBe(64 * 40 * 2 ** 20);
    expect(plan.note).toMatch(/recomputing the cells/);
  });

  it('recomputes edges when only that fits (64 × 160 MiB plain, 80 per cell, 40 per edge)', async () => {
    const plan = await planTrainingMemory({ ...base, measure: linear(160 * 2 ** 20) });
    expect(plan.recompute).toBe('edges');
    expect(plan.estimate.activationBytes).toBe(64 * 40 * 2 ** 20);
  });

  it('refuses before the run when neither fits, naming the estimate and the batch size that would', async () => {
    const perSample = 400 * 2 ** 20; // recomputing edges: 100 MiB per sample, 6.25 GiB at batch 64
    const fits = Math.floor((4 * GiB * USABLE_FRACTION - 4 * 1e6 * 3) / (perSample / 4));
    await expect(planTrainingMemory({ ...base, measure: linear(perSample) })).rejects.toThrow(
      new RegExp(`Even recomputing the edges in the backward pass: This run needs about 6\\.26 GiB.*batch size from 64 to ${fits}`),
    );
  });

  it('refuses without trying recomputation when the network cannot recompute', async () => {
    await expect(planTrainingMemory({ ...base, modes: [], measure: linear(100 * 2 ** 20) })).rejects.toThrow(/^This run needs/);
  });
});

describe('planDartsMemory on a small DARTS supernet', () => {
  beforeAll(initBackends);
  const space = DartsSpace.parse({ kind: 'darts', layers: 3, channels: 4, nodes: 2 });
  const input = { height: 8, width: 8, inChannels: 1, numClasses: 3 };

  it('measures a plain step that fits the 4 GiB heap', async () => {
    const plan = await planDartsMemory(space, input, 8, 1);
    expect(plan.recompute).toBeNull();
    expect(plan.estimate.activationBytes).toBeGreaterThan(0);
  });

  it('chooses recomputation on a ceiling between the recomputed and the plain estimates, and measures it lower', async () => {
    const plain = await planDartsMemory(space, input, 8, 1);
    const tight = { ...wasm4GiB, ceilingBytes: (plain.estimate.bytes * 0.9) / USABLE_FRACTION };
    const plan = await planDartsMemory(space, input, 8, 1, tight);
    expect(plan.recompute).toBe('cells');
    expect(plan.estimate.activationBytes).toBeLessThan(0.9 * plain.estimate.activationBytes);
  });
});
