import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { encodeModule, ins, op, sleb, uleb } from '../../../src-main/engine/backend/simd/encoder';
import { initBackends } from './compare';
import { generatedKernels, madd, relaxedSimd } from '../../../src-main/engine/backend/simd/generated';

describe('the WebAssembly encoder', () => {
  it('writes LEB128 as the spec examples do', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('builds a module that validates and runs: out[0] = a·b + 5 stored on an imported memory', () => {
    const body = [...ins.get(2), ...ins.get(0), ...ins.get(1), op.i32Mul, ...ins.const(5), op.i32Add, 0x36, 2, 0];
    const bytes = encodeModule([{ name: 'f', params: 3, locals: 0, body }]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { f: (...a: number[]) => void };
    f(6, 7, 64);
    expect(new Int32Array(memory.buffer)[16]).toBe(47);
  });
});

describe('generated SIMD kernels', () => {
  // out[0..3] = a[0..3]·b[0..3] + c[0..3], the c vector read at a constant offset of 32 bytes from a.
  const body = madd([...ins.get(0), ...ins.load()], [...ins.get(1), ...ins.load()], [...ins.get(0), ...ins.loadAt(32)]);
  const run = (memory: WebAssembly.Memory) => {
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(encodeModule([{ name: 'f', params: 3, locals: 0, body: [...ins.get(2), ...body, ...ins.store()] }])), {
      env: { memory },
    }).exports as { f: (...a: number[]) => void };
    const heap = new Float32Array(memory.buffer);
    heap.set([1.5, -2, 3, 0.25], 0); // a at byte 0
    heap.set([2, 4, -1, 8], 4); // b at byte 16
    heap.set([0.5, 1, 2, -3], 8); // c at byte 32
    f(0, 16, 64);
    return Array.from(heap.subarray(16, 20));
  };

  it('multiply-adds with relaxed SIMD where the engine has it, the same values either way', () => {
    // Exact in f32 (small dyadic values), so fused and unfused rounding agree.
    expect(run(new WebAssembly.Memory({ initial: 1 }))).toEqual([3.5, -7, -1, -1]);
    expect(typeof relaxedSimd).toBe('boolean');
  });

  it('compiles each configuration once and instantiates it once per memory', async () => {
    await initBackends();
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as BackendWasm;
    let builds = 0;
    const build = () => {
      builds++;
      return [{ name: 'f', params: 3, locals: 0, body: [...ins.get(2), ...body, ...ins.store()] }];
    };
    const first = generatedKernels<{ f: (...a: number[]) => void }>(backend, 'test-madd', build);
    const second = generatedKernels<{ f: (...a: number[]) => void }>(backend, 'test-madd', build);
    expect(first).not.toBeNull();
    expect(second).toBe(first);
    expect(builds).toBe(1);
    const broken = generatedKernels(backend, 'test-invalid', () => [{ name: 'f', params: 0, locals: 0, body: [op.i32Add] }]);
    expect(broken).toBeNull();
  });
});
