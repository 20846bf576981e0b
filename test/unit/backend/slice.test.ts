import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { mergeSliceAxes } from '../../../src-main/engine/backend/kernels/Slice';
import { initBackends, randomValues, runOn } from './compare';

interface SliceCase {
  label: string;
  shape: number[];
  begin: number[];
  size: number[];
}

const cases: SliceCase[] = [
  { label: 'crop of a padded NHWC map (the gradient of pad)', shape: [2, 9, 9, 8], begin: [0, 1, 1, 0], size: [2, 7, 7, 8] },
  { label: 'every second pixel of subsample2 (rank 6)', shape: [2, 4, 2, 5, 2, 3], begin: [0, 0, 0, 0, 0, 0], size: [2, 4, 1, 5, 1, 3] },
  { label: 'channel half (SplitV on the channel axis)', shape: [3, 5, 4, 16], begin: [0, 0, 0, 8], size: [3, 5, 4, 8] },
  { label: 'one scalar of a 2-D matrix (edge weights)', shape: [14, 8], begin: [5, 3], size: [1, 1] },
  { label: 'runs longer than 64 floats', shape: [3, 10, 70], begin: [1, 2, 0], size: [2, 5, 70] },
  { label: 'rank 1 tail', shape: [100], begin: [37], size: [41] },
  { label: 'batch 1, every axis cut', shape: [1, 6, 7, 5], begin: [0, 2, 3, 1], size: [1, 3, 2, 3] },
  { label: 'empty result', shape: [4, 4], begin: [1, 1], size: [0, 3] },
];

describe('Slice on wasm', () => {
  beforeAll(initBackends);

  it.each(cases.map((c) => [c.label, c] as const))('%s equals the cpu backend exactly', async (_, c) => {
    const values = randomValues(new Rng(c.shape.length * 31 + c.begin[0]), tf.util.sizeFromShape(c.shape));
    const build = () => tf.slice(tf.tensor(values, c.shape), c.begin, c.size);
    const [wasm] = await runOn('wasm', build);
    const [cpu] = await runOn('cpu', build);
    await tf.setBackend('wasm');
    expect(wasm.length).toBe(tf.util.sizeFromShape(c.size));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it('slices int32 tensors too', async () => {
    const [out] = await runOn('wasm', () => tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]));
    expect(Array.from(out)).toEqual([2, 3, 5, 6]);
  });

  it('merges each axis into its outer neighbour where the inner one is whole', () => {
    expect(mergeSliceAxes([2, 9, 9, 8], [0, 1, 1, 0], [2, 7, 7, 8])).toEqual([
      { extent: 2, begin: 0, size: 2 },
      { extent: 9, begin: 1, size: 7 },
      { extent: 72, begin: 8, size: 56 },
    ]);
    expect(mergeSliceAxes([4, 4], [0, 0], [4, 4])).toEqual([{ extent: 16, begin: 0, size: 16 }]);
  });
});
