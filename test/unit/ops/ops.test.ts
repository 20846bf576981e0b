import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { DARTS_OPS, NB201_OPS, type DartsOp, type Nb201Op } from '../../../src-shared/model/space';
import { DARTS_OP_FACTORIES, dartsEdgeOp } from '../../../src-main/engine/ops/darts-ops';
import { NB201_OP_FACTORIES } from '../../../src-main/engine/ops/nb201-ops';
import { ParamStore } from '../../../src-main/engine/ops/params';
import type { OpFactory } from '../../../src-main/engine/ops/types';
import type { Stride } from '../../../src-main/engine/ops/primitives';
import { directionalGradCheck, expectClose, randn, separatedInput } from './gradcheck';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Float32 forward passes, h = 3e-4: measured agreement is ~1e-4 relative (ReLU kinks crossed by a
// larger h cost up to 3 % at h = 1e-3); the loss's float32 rounding over ~300 terms gives an
// absolute floor of ~1e-2. A wrong gradient (sign, missing term, factor 2) is far outside 1 %.
const RTOL = 1e-2;
const ATOL = 2e-2;
const C = 4;

function build(factory: OpFactory, stride: Stride, affine = false) {
  const rng = new Rng(7);
  const params = new ParamStore(rng.fork('params'));
  const op = factory(C, stride, { params, name: 'op', affine, rng: rng.fork('noise') });
  return { op, params };
}

const cases: [string, OpFactory][] = [
  ...DARTS_OPS.map((o): [string, OpFactory] => [`darts ${o}`, DARTS_OP_FACTORIES[o as DartsOp]]),
  ...DARTS_OPS.filter((o) => o.includes('pool')).map((o): [string, OpFactory] => [`darts edge ${o}+bn`, dartsEdgeOp(o)]),
  ...NB201_OPS.map((o): [string, OpFactory] => [`nb201 ${o}`, NB201_OP_FACTORIES[o as Nb201Op]]),
];

describe('op shapes', () => {
  for (const [label, factory] of [...cases, ['darts noise', DARTS_OP_FACTORIES.noise] as [string, OpFactory]]) {
    for (const stride of [1, 2] as Stride[]) {
      for (const size of [6, 5]) {
        it(`${label} stride ${stride} on ${size}x${size}`, () => {
          const { op, params } = build(factory, stride);
          const out = tf.tidy(() => op(tf.ones([2, size, size, C])).shape);
          expect(out).toEqual([2, Math.ceil(size / stride), Math.ceil(size / stride), C]);
          params.dispose();
        });
      }
    }
  }
});

describe('op gradients vs central differences (input and weights)', () => {
  for (const [label, factory] of cases) {
    if (label.endsWith(' none')) continue;
    for (const stride of [1, 2] as Stride[]) {
      it(`${label} stride ${stride}`, () => {
        const { op, params } = build(factory, stride, true);
        const rng = new Rng(11);
        const x = label.includes('max_pool') ? separatedInput(rng, [2, 6, 6, C]) : randn(rng, [2, 6, 6, C]);
        for (const r of directionalGradCheck((t) => op(t as tf.Tensor4D), x, params.list(), rng)) expectClose(r, RTOL, ATOL);
        x.dispose();
        params.dispose();
      });
    }
  }
});

describe('none and noise', () => {
  it('none gives zeros', () => {
    const { op } = build(DARTS_OP_FACTORIES.none, 2);
    const x = tf.ones([1, 4, 4, C]) as tf.Tensor4D;
    const y = op(x);
    expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, y]);
  });
  it('noise draws fresh standard normals each call, from the seeded rng', () => {
    const { op } = build(DARTS_OP_FACTORIES.noise, 1);
    const x = tf.zeros([4, 8, 8, C]) as tf.Tensor4D;
    const a = Array.from(op(x).dataSync());
    const b = op(x).dataSync();
    const { op: again } = build(DARTS_OP_FACTORIES.noise, 1);
    const a2 = again(x).dataSync();
    expect(Array.from(a2)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    // 1024 draws: the sample mean's standard error is 1/32, the variance's about 0.044.
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(Math.abs(variance - 1)).toBeLessThan(0.2);
    x.dispose();
  });
});
