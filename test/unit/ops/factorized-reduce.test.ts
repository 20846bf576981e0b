import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { factorizedReduce } from '../../../src-main/engine/ops/blocks';
import { ParamStore } from '../../../src-main/engine/ops/params';
import { batchNormNoAffine } from '../../../src-main/engine/ops/primitives';
import { randn } from './gradcheck';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** DARTS's FactorizedReduce written out pixel by pixel: conv1 reads (2y, 2x), conv2 (2y + 1, 2x + 1), zero outside. */
function byPixel(x: number[][][][], w1: number[][], w2: number[][]): number[][][][] {
  const [h, w] = [x[0].length, x[0][0].length];
  const read = (b: number, y: number, xx: number, i: number) => (y < h && xx < w ? x[b][y][xx][i] : 0);
  const half = w1[0].length;
  return x.map((_, b) =>
    Array.from({ length: Math.ceil(h / 2) }, (_, y) =>
      Array.from({ length: Math.ceil(w / 2) }, (_, xx) =>
        Array.from({ length: 2 * half }, (_, k) => {
          const [weights, dy] = k < half ? [w1, 0] : [w2, 1];
          return weights.reduce((sum, row, i) => sum + read(b, 2 * y + dy, 2 * xx + dy, i) * row[k % half], 0);
        }),
      ),
    ),
  );
}

describe('FactorizedReduce', () => {
  for (const [h, w] of [[6, 6], [5, 7]]) {
    it(`equals the pixel-by-pixel definition on ${h}x${w} (even: one slice of 2×2 blocks; odd: zero-filled)`, () => {
      const rng = new Rng(h + w);
      const params = new ParamStore(rng.fork('params'));
      const op = factorizedReduce(4, 6, { params, name: 'fr', affine: false, rng: rng.fork('noise') });
      const x = randn(rng, [2, h, w, 4]) as tf.Tensor4D;
      const relu = tf.relu(x);
      const [w1, w2] = ['fr.conv1', 'fr.conv2'].map((n) => (params.get(n).reshape([4, 3]).arraySync() as number[][]));
      const expected = batchNormNoAffine(tf.tensor4d(byPixel(relu.arraySync() as number[][][][], w1, w2)));
      const got = op(x);
      expect(got.shape).toEqual(expected.shape);
      const [g, e] = [got.dataSync(), expected.dataSync()];
      e.forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThan(1e-4));
      tf.dispose([x, relu, expected, got]);
      params.dispose();
    });
  }
});
