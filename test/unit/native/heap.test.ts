import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { depthwise, windowOf, worstError } from './reference';
import { randomInput, Rng, wasmWithNative, type Input } from './harness';

const native = await wasmWithNative();

const heapBytes = () => ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength;

/** Depthwise input gradient on the wasm backend (native), values read back. */
function backpropInput(dy: Input, filter: Input, inputShape: number[]): Float32Array {
  return tf.tidy(() => {
    const out = tf.engine().runKernel(
      tf.DepthwiseConv2dNativeBackpropInput,
      { dy: tf.tensor(dy.values, dy.shape), filter: tf.tensor(filter.values, filter.shape) },
      { strides: [1, 1], dilations: [1, 1], pad: 'same', inputShape } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/** dx of a 3×3 stride-1 'same' depthwise conv (pad 1) at one element, in float64. */
function dxAt(dy: Input, filter: Input, index: number): number {
  const [n, h, w, c] = dy.shape;
  const ch = index % c;
  const ix = Math.floor(index / c) % w;
  const iy = Math.floor(index / (c * w)) % h;
  const b = Math.floor(index / (c * w * h));
  let sum = 0;
  for (let kh = 0; kh < 3; kh++)
    for (let kw = 0; kw < 3; kw++) {
      const oy = iy + 1 - kh;
      const ox = ix + 1 - kw;
      if (oy >= 0 && oy < h && ox >= 0 && ox < w && b < n) sum += dy.values[((b * h + oy) * w + ox) * c + ch] * filter.values[(kh * 3 + kw) * c + ch];
    }
  return sum;
}

describe.skipIf(!native.loaded)(`native kernels while the wasm heap grows (${native.reason})`, () => {
  it('stay right when the heap grows between calls and when their own output grows it', () => {
    setNativeThreads(2);
    const rng = new Rng(23);
    const small: [number, number, number, number] = [2, 8, 8, 4];
    const check = () => {
      const g = windowOf(small, [3, 3], 4, [1, 1], [1, 1], 'same');
      const dy = randomInput(rng, small);
      const filter = randomInput(rng, [3, 3, 4, 1]);
      const got = backpropInput(dy, filter, small);
      expect(worstError(got, depthwise(g, new Float32Array(dy.values.length), filter.values, dy.values).dx)).toBeLessThan(1e-5);
    };
    check();
    // Grow the heap between calls: the ArrayBuffer the addon saw before is detached.
    const start = heapBytes();
    const filler = tf.zeros([start / 4 + 1024]);
    const afterFiller = heapBytes();
    expect(afterFiller).toBeGreaterThan(start);
    check();
    // dy as large as the heap, then an output as large: makeOutput grows the heap inside the kernel.
    const shape: [number, number, number, number] = [1, 64, 64, Math.ceil(afterFiller / (64 * 64 * 4))];
    // A cheap deterministic pattern: tens of millions of normals would dominate the test.
    const dy: Input = { shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 2003) / 1001 - 1) };
    const filter = randomInput(rng, [3, 3, shape[3], 1]);
    const dyTensor = tf.tensor(dy.values, shape);
    const beforeKernel = heapBytes();
    const got = tf.tidy(() =>
      (tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: dyTensor, filter: tf.tensor(filter.values, filter.shape) }, {
        strides: [1, 1], dilations: [1, 1], pad: 'same', inputShape: shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor).dataSync(),
    );
    expect(heapBytes()).toBeGreaterThan(beforeKernel);
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const index = rng.int(got.length);
      const expected = dxAt(dy, filter, index);
      worst = Math.max(worst, Math.abs(got[index] - expected) / (1 + Math.abs(expected)));
    }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([filler, dyTensor]);
  });
  it('refuses offsets outside the heap with a message that says so', async () => {
    const { loadAddon } = await import('../../../src-main/engine/backend/native/addon');
    const { addon } = loadAddon();
    const heap = ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
    // An offset past 2^32 must not wrap around to a valid address.
    expect(() => addon?.depthwiseForward(heap, 1, 2 ** 32 + 64, 0, 0, 1, 4, 4, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1)).toThrow(/the first input at byte 4294967360 .* lies outside the \d+-byte heap/);
    expect(() => addon?.depthwiseForward(heap, 1, 0, 0, 0, 1, 4, 4, 1, 1, 3, 3, 4, 4, 0, 1, 1, 1, 1, 1)).toThrow(/at least 1/);
    expect(() => addon?.depthwiseForward(new ArrayBuffer(0), 1, 0, 0, 0, 1, 4, 4, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1)).toThrow(/detached/);
  });
});
