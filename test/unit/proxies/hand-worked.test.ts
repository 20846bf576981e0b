import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fisher } from '../../../src-main/engine/proxies/fisher';
import { gradNorm } from '../../../src-main/engine/proxies/grad-norm';
import { grasp } from '../../../src-main/engine/proxies/grasp';
import { jacobCov } from '../../../src-main/engine/proxies/jacob-cov';
import { linearRegions } from '../../../src-main/engine/proxies/linear-regions';
import { naswot } from '../../../src-main/engine/proxies/naswot';
import { ntkCondition } from '../../../src-main/engine/proxies/ntk';
import { flops, paramCount } from '../../../src-main/engine/proxies/complexity';
import { snip } from '../../../src-main/engine/proxies/snip';
import { synflow } from '../../../src-main/engine/proxies/synflow';
import type { Minibatch } from '../../../src-main/engine/proxies/types';
import { softmax, TinyNetwork, vecMat } from './tiny-network';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  // Every proxy frees what it made: only the test's own network and batch remain, and they are disposed.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function batchOf(xs: number[][], labels: number[]): Minibatch {
  return { images: tf.tensor4d(xs.flat(), [xs.length, 1, 1, xs[0].length]), labels: tf.tensor1d(labels, 'int32') };
}
const disposeBatch = (b: Minibatch): void => tf.dispose([b.images, b.labels]);

/** Two layers with a ReLU between: the net of the hand-worked NASWOT / TE-NAS / gradient cases. */
const W1 = [
  [1, 0, 1],
  [0, 1, -1],
];
const W2 = [
  [1, -0.5],
  [0.5, 1],
  [1, 1],
];
const XS = [
  [1, 2], // pre-activations [1, 2, -1]: code 110
  [-1, 1], // [-1, 1, -2]: code 010
  [2, -1], // [2, -1, 3]: code 101
];
const LABELS = [0, 1, 1];

/** Forward and backward of the two-layer net by hand in float64: mean cross-entropy over the batch. */
function handGradients(xs: number[][], labels: number[]) {
  const n = xs.length;
  const g1 = W1.map((r) => r.map(() => 0));
  const g2 = W2.map((r) => r.map(() => 0));
  const perImage = xs.map((x, i) => {
    const pre = vecMat(x, W1);
    const h = pre.map((v) => Math.max(v, 0));
    const z = vecMat(h, W2);
    const dz = softmax(z).map((p, k) => (p - (k === labels[i] ? 1 : 0)) / n);
    const dpre = pre.map((v, j) => (v > 0 ? dz.reduce((s, d, k) => s + d * W2[j][k], 0) : 0));
    h.forEach((hj, j) => dz.forEach((d, k) => (g2[j][k] += hj * d)));
    x.forEach((xi, r) => dpre.forEach((d, j) => (g1[r][j] += xi * d)));
    return { pre, z, dz, dpre };
  });
  return { g1, g2, perImage };
}

describe('zero-cost proxies against values worked out by hand', () => {
  it('synflow of a two-layer net: |W|, all-ones input, Σ|θ·∂R/∂θ| = 44 (each layer gives R = 22)', () => {
    // |W1| = [[1,2],[3,0.5]]: h = [4, 2.5]; |W2| = [[2,1],[1,3]]: logits [10.5, 11.5], R = 22.
    // Layer 2: Σ|W2_jk|·h_j = 4·3 + 2.5·4 = 22; layer 1: Σ|W1_ij|·colsum|W2|_j = 1·3 + 2·4 + 3·3 + 0.5·4 = 22.
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [
      [
        [1, -2],
        [3, 0.5],
      ],
      [
        [2, -1],
        [-1, 3],
      ],
    ]);
    expect(synflow(net, undefined as unknown as Minibatch)).toBeCloseTo(44, 4);
    expect(Array.from(net.weights[0].dataSync())).toEqual([1, -2, 3, 0.5]); // signs restored
    net.dispose();
  });

  it('synflow of a 30-layer chain whose R = 30^30 overflows float32: 30·R = 30^31 to 1e-4', () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 1, classes: 1 }, Array.from({ length: 30 }, () => [[30]]));
    expect(relDiff(synflow(net, undefined as unknown as Minibatch) as number, 30 ** 31)).toBeLessThan(1e-4);
    net.dispose();
  });

  it("NASWOT on three inputs: codes 110, 010, 101 give K = [[3,2,1],[2,3,0],[1,0,3]], log det = log 12", () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    const batch = batchOf(XS, LABELS);
    expect(naswot(net, batch)).toBeCloseTo(Math.log(12), 10);
    // A repeated code makes K singular: −∞, as slogdet's log|det| of a singular matrix.
    const twice = batchOf([XS[0], [2, 4], XS[1]], [0, 0, 1]);
    expect(naswot(net, twice)).toBe(-Infinity);
    // The tap is gone: ReLU computes as before.
    expect(tf.tidy(() => Array.from(tf.relu(tf.tensor4d([-1, 2], [1, 1, 1, 2])).dataSync()))).toEqual([0, 2]);
    [batch, twice].forEach(disposeBatch);
    net.dispose();
  });

  it('TE-NAS linear regions: five inputs with three distinct codes count 3', () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    const batch = batchOf([...XS, [2, 4], [3, -2]], [0, 0, 0, 0, 0]); // [2,4]: 110 again; [3,-2] → [3,-2,5]: 101 again
    expect(linearRegions(net, batch)).toBe(3);
    disposeBatch(batch);
    net.dispose();
  });

  it('grad_norm and snip: the closed-form backward of the two-layer net', () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    const batch = batchOf(XS, LABELS);
    const { g1, g2 } = handGradients(XS, LABELS);
    const norm = (g: number[][]) => Math.sqrt(g.flat().reduce((s, v) => s + v * v, 0));
    const snipOf = (w: number[][], g: number[][]) => w.flat().reduce((s, v, i) => s + Math.abs(v * g.flat()[i]), 0);
    expect(relDiff(gradNorm(net, batch) as number, norm(g1) + norm(g2))).toBeLessThan(1e-5);
    expect(relDiff(snip(net, batch) as number, snipOf(W1, g1) + snipOf(W2, g2))).toBeLessThan(1e-5);
    disposeBatch(batch);
    net.dispose();
  });

  it('fisher: ½·mean_n(act·∂L/∂act)² per output unit, times the weights per unit, both layers', () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    const batch = batchOf(XS, LABELS);
    const { perImage } = handGradients(XS, LABELS);
    const layer = (act: (i: number) => number[], grad: (i: number) => number[], fan: number) =>
      act(0).reduce((s, _, k) => s + 0.5 * (perImage.reduce((m, __, i) => m + (act(i)[k] * grad(i)[k]) ** 2, 0) / XS.length) * fan, 0);
    const expected =
      layer((i) => perImage[i].pre, (i) => perImage[i].dpre, W1.length) + layer((i) => perImage[i].z, (i) => perImage[i].dz, W2.length);
    expect(relDiff(fisher(net, batch) as number, expected)).toBeLessThan(1e-5);
    disposeBatch(batch);
    net.dispose();
  });

  it("grasp: −Σ θ ⊙ Hg (exact, double backprop) with softmax regression's closed-form Hessian, to 1e-4", () => {
    // One layer z = xW: H·V = (1/B) Σ_n x_n ⊗ (diag(p_n) − p_n p_nᵀ)(Vᵀ x_n).
    const W = [
      [0.5, -1, 0.25],
      [1.5, 0.5, -0.5],
      [-1, 1, 2],
    ];
    const xs = [
      [1, 0.5, -1],
      [0.2, -1, 1],
      [-0.5, 1, 0.3],
      [1, 1, 1],
    ];
    const labels = [0, 2, 1, 2];
    const net = new TinyNetwork({ height: 1, width: 1, channels: 3, classes: 3 }, [W]);
    const batch = batchOf(xs, labels);
    const n = xs.length;
    const G = W.map((r) => r.map(() => 0));
    const ps = xs.map((x) => softmax(vecMat(x, W)));
    xs.forEach((x, i) => x.forEach((xr, r) => ps[i].forEach((p, k) => (G[r][k] += (xr * (p - (k === labels[i] ? 1 : 0))) / n))));
    const Hg = W.map((r) => r.map(() => 0));
    xs.forEach((x, i) => {
      const u = vecMat(x, G); // Gᵀx as a row
      const p = ps[i];
      const pu = p.reduce((s, pk, k) => s + pk * u[k], 0);
      const dp = p.map((pk, k) => pk * u[k] - pk * pu);
      x.forEach((xr, r) => dp.forEach((d, k) => (Hg[r][k] += (xr * d) / n)));
    });
    const expected = -W.flat().reduce((s, w, i) => s + w * Hg.flat()[i], 0);
    expect(relDiff(grasp(net, batch) as number, expected)).toBeLessThan(1e-4);
    expect(Array.from(net.weights[0].dataSync())).toEqual(W.flat().map(Math.fround)); // weights restored exactly
    disposeBatch(batch);
    net.dispose();
  });

  it("jacob_cov: −Σ(log(λ+k) + 1/(λ+k)) = −(log det(C+kI) + tr (C+kI)⁻¹) of the input Jacobians' correlation", () => {
    // Inputs of 3 values through W (3→3), a ReLU, then V (3→2). J_n = W·(code_n ⊙ V·1).
    const W = [
      [1, -1, 0.5],
      [0.5, 1, -1],
      [-1, 0.5, 1],
    ];
    const V = [
      [1, 2],
      [-1, 0.5],
      [0.5, 0.5],
    ];
    const xs = [
      [1, 0.5, 0.2],
      [-0.3, 1, 0.8],
      [0.9, -0.6, 1],
    ];
    const net = new TinyNetwork({ height: 1, width: 1, channels: 3, classes: 2 }, [W, V]);
    const batch = batchOf(xs, [0, 1, 0]);
    const rows = xs.map((x) => {
      const on = vecMat(x, W).map((v) => (v > 0 ? 1 : 0));
      const back = V.map((r, j) => on[j] * (r[0] + r[1]));
      return W.map((r) => r.reduce((s, w, j) => s + w * back[j], 0));
    });
    const centred = rows.map((r) => {
      const m = (r[0] + r[1] + r[2]) / 3;
      return r.map((v) => v - m);
    });
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const k = 1e-5;
    const A = centred.map((a, i) => centred.map((b, j) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)) + (i === j ? k : 0)));
    const det3 = (m: number[][]) =>
      m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    const det = det3(A);
    // tr A⁻¹ = Σ_i cofactor_ii / det.
    const traceInverse = (A[1][1] * A[2][2] - A[1][2] * A[2][1] + A[0][0] * A[2][2] - A[0][2] * A[2][0] + A[0][0] * A[1][1] - A[0][1] * A[1][0]) / det;
    expect(relDiff(jacobCov(net, batch) as number, -(Math.log(det) + traceInverse))).toBeLessThan(1e-4);
    disposeBatch(batch);
    net.dispose();
  });

  it("TE-NAS NTK condition number: per-image gradients of Σ logits by hand, 2×2 eigenvalues in closed form", () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    const xs = [XS[0], XS[2]];
    const batch = batchOf(xs, [0, 1]);
    // ∂Σz/∂W2_jk = h_j; ∂Σz/∂W1_ij = x_i·[pre_j > 0]·Σ_k W2_jk.
    const rows = xs.map((x) => {
      const pre = vecMat(x, W1);
      const h = pre.map((v) => Math.max(v, 0));
      const d1 = x.flatMap((xi) => pre.map((v, j) => (v > 0 ? xi * (W2[j][0] + W2[j][1]) : 0)));
      const d2 = h.flatMap((hj) => [hj, hj]);
      return [...d1, ...d2];
    });
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const [a, b, d] = [dot(rows[0], rows[0]), dot(rows[0], rows[1]), dot(rows[1], rows[1])];
    const mid = (a + d) / 2;
    const radius = Math.sqrt(((a - d) / 2) ** 2 + b * b);
    expect(relDiff(ntkCondition(net, batch) as number, (mid + radius) / (mid - radius))).toBeLessThan(1e-4);
    disposeBatch(batch);
    net.dispose();
  });

  it('params and FLOPs of the two-layer net: 6 + 6 weights, 2·3 + 3·2 multiply-adds per image', async () => {
    const net = new TinyNetwork({ height: 1, width: 1, channels: 2, classes: 2 }, [W1, W2]);
    expect(paramCount(net, undefined as unknown as Minibatch)).toBe(12);
    expect(await flops(net, undefined as unknown as Minibatch)).toBe(12);
    net.dispose();
  });
});
