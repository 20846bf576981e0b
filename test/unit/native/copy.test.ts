import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../../src-main/engine/backend/native/addon';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { randomInput, Rng, wasmWithNative } from './harness';

const native = await wasmWithNative();

/** Concat by index arithmetic in plain JS: the expected values, independent of any kernel. */
function concatByHand(parts: { shape: number[]; values: Float32Array }[], axis: number): number[] {
  const rows = parts[0].shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const widths = parts.map((p) => p.shape.slice(axis).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  for (let r = 0; r < rows; r++) parts.forEach((p, i) => out.push(...p.values.subarray(r * widths[i], (r + 1) * widths[i])));
  return out;
}

const cases: [string, number[][], number][] = [
  ['a cell output: four nodes along 16 channels (1.2 M floats each: both threads)', [[96, 28, 28, 16], [96, 28, 28, 16], [96, 28, 28, 16], [96, 28, 28, 16]], 3],
  ['unequal widths, rows of 70 and 3 floats', [[3, 70], [3, 3]], 1],
  ['axis 0 (one row each)', [[2, 3], [4, 3]], 0],
  ['an empty input among others', [[2, 0, 3], [2, 4, 3]], 1],
  ['rank 5, middle axis', [[2, 3, 2, 2, 3], [2, 3, 1, 2, 3]], 2],
];

describe.skipIf(!native.loaded)(`native Concat and SplitV (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it.each(cases)(`%s: Concat equals the copy by hand and SplitV gives the parts back, on ${threads} thread(s)`, (_, shapes, axis) => {
      setNativeThreads(threads);
      const rng = new Rng(shapes.length * 7 + axis + threads);
      const parts = shapes.map((s) => randomInput(rng, s));
      const before = tf.memory().numTensors;
      const [joined, pieces] = tf.tidy(() => {
        const out = tf.concat(parts.map((p) => tf.tensor(p.values, p.shape)), axis);
        const split = tf.split(out, shapes.map((s) => s[axis]), axis);
        return [out.dataSync(), split.map((t) => ({ shape: t.shape, values: t.dataSync() }))] as const;
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(joined)).toEqual(concatByHand(parts, axis));
      pieces.forEach((piece, i) => {
        expect(piece.shape).toEqual(shapes[i]);
        expect(Array.from(piece.values)).toEqual(Array.from(parts[i].values));
      });
    });
  }

  it('int32 goes to the kernel registered before', () => {
    const out = tf.tidy(() => tf.concat([tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6], [2, 1], 'int32')], 1).dataSync());
    expect(Array.from(out)).toEqual([1, 2, 5, 3, 4, 6]);
  });

  it('the addon refuses a copy that would leave the heap, with a message saying so', () => {
    const { addon } = loadAddon();
    const heap = new ArrayBuffer(64);
    expect(() => addon!.copyRows(heap, 1, 0, 4, 32, 4, 3, 4)).toThrow(/destination at byte 32 \(12 floats\) lies outside the 64-byte heap/);
    expect(() => addon!.copyRows(heap, 1, 0, 2, 32, 4, 2, 4)).toThrow(/width must not exceed either stride/);
  });
});
