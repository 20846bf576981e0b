import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, runOn } from './compare';

const cases: [string, number[][], number][] = [
  ['a cell output: four nodes along 8 channels', [[2, 5, 4, 8], [2, 5, 4, 8], [2, 5, 4, 8], [2, 5, 4, 8]], 3],
  ['unequal widths, rows of 70 and 3 floats', [[3, 70], [3, 3]], 1],
  ['axis 0 (one row each)', [[2, 3], [4, 3]], 0],
  ['an empty input among others', [[2, 0, 3], [2, 4, 3]], 1],
  ['rank 5, middle axis', [[2, 3, 2, 2, 3], [2, 3, 1, 2, 3]], 2],
];

describe('Concat on wasm', () => {
  beforeAll(initBackends);
  it.each(cases)('%s equals the cpu backend exactly', async (_, shapes, axis) => {
    const rng = new Rng(shapes.length * 13 + axis);
    const values = shapes.map((s) => randomValues(rng, tf.util.sizeFromShape(s)));
    const build = () => tf.concat(shapes.map((s, i) => tf.tensor(values[i], s)), axis);
    const [wasm] = await runOn('wasm', build);
    const [cpu] = await runOn('cpu', build);
    await tf.setBackend('wasm');
    expect(wasm.length).toBe(cpu.length);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
  it('concatenates int32 tensors too', async () => {
    const [out] = await runOn('wasm', () => tf.concat([tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6], [2, 1], 'int32')], 1));
    expect(Array.from(out)).toEqual([1, 2, 5, 3, 4, 6]);
  });
});
