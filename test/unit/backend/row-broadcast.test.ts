import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { registerTrainingKernels, restoreStockKernels } from '../../../src-main/engine/backend/kernels/index';
import { rowBroadcastPlan } from '../../../src-main/engine/backend/kernels/RowBroadcast';
import { initBackends, randomValues, runOn } from './compare';

describe('rowBroadcastPlan', () => {
  it('splits the full side into [p, q, C] rows against the broadcast side [p, 1, C]', () => {
    expect(rowBroadcastPlan([32, 28, 28, 8], [8])).toEqual({ p: 1, q: 32 * 28 * 28, channels: 8 });
    expect(rowBroadcastPlan([32, 28, 28, 8], [1, 1, 1, 8])).toEqual({ p: 1, q: 32 * 28 * 28, channels: 8 });
    expect(rowBroadcastPlan([32, 28, 28, 8], [32, 1, 1, 8])).toEqual({ p: 32, q: 28 * 28, channels: 8 });
  });
  it('refuses what the row kernel cannot do', () => {
    expect(rowBroadcastPlan([2, 5, 6], [6])).toBeNull(); // channels not a multiple of 4
    expect(rowBroadcastPlan([2, 5, 8], [])).toBeNull(); // scalar: XNNPACK is fast there
    expect(rowBroadcastPlan([2, 5, 8], [5, 1])).toBeNull(); // broadcasts the last axis
    expect(rowBroadcastPlan([2, 5, 8], [1, 5, 8])).toBeNull(); // leading broadcast, middle kept
    expect(rowBroadcastPlan([2, 5, 8], [2, 5, 8])).toBeNull(); // same shape
    expect(rowBroadcastPlan([8], [8, 8])).toBeNull(); // the other side is the bigger one
  });
});

const cases: [string, number[], number[]][] = [
  ['BN scale [1,1,1,C] on the right', [3, 5, 4, 8], [1, 1, 1, 8]],
  ['per-channel vector [C] on the left', [8], [3, 5, 4, 8]],
  ['per-sample-and-channel [N,1,1,C]', [3, 5, 4, 12], [3, 1, 1, 12]],
  ['rank 2', [7, 16], [16]],
  ['not a row broadcast (the C kernel, called directly)', [3, 5, 4, 6], [1, 1, 1, 6]],
  ['same shape (the C kernel)', [3, 5, 4, 8], [3, 5, 4, 8]],
  ['scalar (the C kernel)', [3, 5, 4, 8], []],
  ['both sides broadcast (the C kernel)', [3, 1, 5], [4, 1]],
];

describe('Multiply, Add and Sub with a row broadcast on wasm', () => {
  beforeAll(initBackends);
  for (const [name, fn] of [['Multiply', tf.mul], ['Add', tf.add], ['Sub', tf.sub]] as const) {
    it.each(cases)(`${name}: %s equals the cpu backend (to 1e-6)`, async (_, aShape, bShape) => {
      const rng = new Rng(aShape.length * 7 + bShape.length);
      const a = randomValues(rng, tf.util.sizeFromShape(aShape));
      const b = randomValues(rng, tf.util.sizeFromShape(bShape));
      const build = () => fn(tf.tensor(a, aShape), tf.tensor(b, bShape));
      const [wasm] = await runOn('wasm', build);
      const [cpu] = await runOn('cpu', build);
      await tf.setBackend('wasm');
      expect(wasm.length).toBe(cpu.length);
      cpu.forEach((v, i) => expect(Math.abs(wasm[i] - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
    });
  }
});

describe('Multiply, Add and Sub on int32 on wasm', () => {
  beforeAll(initBackends);
  it.each([['Multiply', tf.mul], ['Add', tf.add], ['Sub', tf.sub]] as const)('%s equals the exact integer result', async (_, fn) => {
    await tf.setBackend('wasm');
    const a = [7, -3, 12, 0, 5, 9];
    const b = [2, 4, -6];
    const expected = { Multiply: (x: number, y: number) => x * y, Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y }[_];
    const out = tf.tidy(() => fn(tf.tensor2d(a, [2, 3], 'int32'), tf.tensor1d(b, 'int32')));
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual(a.map((x, i) => expected(x, b[i % 3])));
    out.dispose();
  });
});

describe('the C kernel called directly', () => {
  beforeAll(initBackends);
  it.each([
    [[3, 5, 4, 6], [1, 1, 1, 6]],
    [[3, 1, 5], [4, 1]],
    [[2, 9], [2, 9]],
  ])('gives bit for bit the stock kernel\'s result: %j with %j', async (aShape, bShape) => {
    await tf.setBackend('wasm');
    const rng = new Rng(aShape.length * 3 + bShape.length);
    const a = randomValues(rng, tf.util.sizeFromShape(aShape));
    const b = randomValues(rng, tf.util.sizeFromShape(bShape));
    const run = () => tf.tidy(() => [tf.mul, tf.add, tf.sub].map((fn) => Array.from(fn(tf.tensor(a, aShape), tf.tensor(b, bShape)).dataSync())));
    registerTrainingKernels();
    const ours = run();
    restoreStockKernels();
    const stock = run();
    registerTrainingKernels();
    expect(ours).toEqual(stock);
  });
});
