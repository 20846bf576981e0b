import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

// scripts/patch-tfjs.mjs (run by `npm install`) removes a loop from tfjs-core's
// getFilteredNodesXToY that repeated one lookup per weight (docs/performance.md).
describe('the install-time tfjs-core patch', () => {
  it('is applied to the tfjs-core that Node loads', () => {
    const path = createRequire(import.meta.url).resolve('@tensorflow/tfjs-core');
    const source = readFileSync(path, 'utf8');
    expect(source).toContain('nas-workbench: loop over xs removed');
    expect(source).not.toMatch(/for \((?:var|let) j = 0; j < xs\.length; j\+\+\)/);
  });

  it('leaves tf.variableGrads exact where the tape mixes inputs from and not from the weights', async () => {
    await tf.setBackend('cpu');
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.tensor1d([-1, 0.5, 4]));
    const frozen = tf.variable(tf.tensor1d([2, 2, 2]), false);
    // f = Σ (a·c + b²)·frozen with c a constant: ∂f/∂a = c·frozen, ∂f/∂b = 2b·frozen.
    const c = tf.tensor1d([0.5, -1, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.add(tf.mul(a, c), tf.square(b)), frozen)) as tf.Scalar, [a, b]);
    expect(value.dataSync()[0]).toBeCloseTo(2 * (0.5 + 1 - 2 + 0.25 + 9 + 16), 5);
    expect(Array.from(grads[a.name].dataSync())).toEqual([1, -2, 6]);
    expect(Array.from(grads[b.name].dataSync())).toEqual([-4, 2, 16]);
    expect(Object.keys(grads).sort()).toEqual([a.name, b.name].sort());
    tf.dispose([a, b, frozen, c, value, ...Object.values(grads)]);
  });
});
