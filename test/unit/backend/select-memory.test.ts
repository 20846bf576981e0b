import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  activationFloatsPerSample,
  backendMemory,
  estimateTrainingBytes,
  measureStepBytes,
  refuseIfTooLarge,
  USABLE_FRACTION,
  WASM_HEAP_CEILING_BYTES,
} from '../../../src-main/engine/backend/memory';
import { selectBackend } from '../../../src-main/engine/backend/select';

const savedEnv = process.env.NAS_BACKEND;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.NAS_BACKEND;
  else process.env.NAS_BACKEND = savedEnv;
});

describe('selectBackend', () => {
  it('falls back to wasm here and says why tfjs-node(-gpu) were skipped', async () => {
    delete process.env.NAS_BACKEND;
    const choice = await selectBackend();
    expect(choice.name).toMatch(/^wasm(\+native)?$/);
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.detail).toMatch(/tfjs-node-gpu unavailable: .+; tfjs-node unavailable: .+/);
    // The training kernels are in place: a depthwise filter gradient runs on wasm.
    expect(tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, 'wasm')).toBeDefined();
  });

  it('returns the same answer again and switches back if something changed the backend', async () => {
    delete process.env.NAS_BACKEND;
    const first = await selectBackend();
    await tf.setBackend('cpu');
    const second = await selectBackend();
    expect(second).toEqual(first);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('obeys NAS_BACKEND, and rejects an unknown name with the list of known ones', async () => {
    process.env.NAS_BACKEND = 'cpu';
    expect(await selectBackend()).toEqual({ name: 'cpu', detail: 'forced by NAS_BACKEND' });
    expect(tf.getBackend()).toBe('cpu');
    process.env.NAS_BACKEND = 'cuda';
    expect(() => selectBackend()).toThrow(/unknown backend 'cuda'; use one of: tfjs-node-gpu, tfjs-node, wasm, cpu/);
  });

  it('honours prefer and allow', async () => {
    delete process.env.NAS_BACKEND;
    expect((await selectBackend({ prefer: 'cpu' })).name).toBe('cpu');
    expect((await selectBackend({ allow: ['tfjs-node', 'wasm'] })).name).toMatch(/^wasm(\+native)?$/);
  });

  it('fails loudly when NAS_BACKEND forces a backend that is absent', async () => {
    process.env.NAS_BACKEND = 'tfjs-node';
    await expect(selectBackend()).rejects.toThrow(/No TensorFlow.js backend could be loaded \(tfjs-node unavailable/);
  });
});

describe('memory planning', () => {
  it('reports the wasm heap, which grows to hold a large tensor and stays under 4 GiB', async () => {
    await tf.setBackend('wasm');
    const before = backendMemory();
    expect(before.ceilingBytes).toBe(WASM_HEAP_CEILING_BYTES);
    expect(before.heapBytes! % 65536).toBe(0);
    const big = tf.zeros([before.heapBytes! / 4 + 1]);
    const after = backendMemory();
    expect(after.heapBytes!).toBeGreaterThan(before.heapBytes!);
    expect(after.tensorBytes - before.tensorBytes).toBe(4 * (before.heapBytes! / 4 + 1));
    big.dispose();
    expect(backendMemory().heapBytes).toBe(after.heapBytes);
  });

  it('estimates bytes as 4·(P·(2 + slots) + activations·batch)', () => {
    const estimate = estimateTrainingBytes({
      parameterCount: 1000,
      activationFloatsPerSample: 500,
      batchSize: 8,
      optimizerSlots: 1,
    });
    expect(estimate).toEqual({ bytes: 4 * 3000 + 4 * 4000, parameterBytes: 12000, activationBytes: 16000 });
    expect(() => estimateTrainingBytes({ parameterCount: -1, activationFloatsPerSample: 1, batchSize: 1, optimizerSlots: 0 })).toThrow(
      /parameterCount must be a non-negative number/,
    );
  });

  it('measures per-sample activation floats from two steps with a known peak', async () => {
    await tf.setBackend('wasm');
    // Peak: the input and two intermediates of 1000 floats per sample are alive together.
    const step = (batch: number) => () => {
      tf.tidy(() => {
        const a = tf.ones([batch, 1000]);
        const b = tf.add(a, 1);
        tf.mul(b, 2);
      });
    };
    const small = await measureStepBytes(2, step(2));
    const large = await measureStepBytes(6, step(6));
    expect(activationFloatsPerSample(small, large)).toBe(3000);
  });

  it('refuses a run that does not fit, saying by how much and the batch size that would', () => {
    const memory = { backend: 'wasm', ceilingBytes: WASM_HEAP_CEILING_BYTES, heapBytes: 0, tensorBytes: 0 };
    const size = { parameterCount: 2e6, activationFloatsPerSample: 20e6, batchSize: 64, optimizerSlots: 1 };
    const message = refuseIfTooLarge(size, memory);
    const budget = WASM_HEAP_CEILING_BYTES * USABLE_FRACTION;
    const maxBatch = Math.floor((budget - 4 * 2e6 * 3) / (4 * 20e6));
    expect(message).toMatch(/needs about 4\.79 GiB/);
    expect(message).toContain(`lower the batch size from 64 to ${maxBatch} or less`);
    expect(refuseIfTooLarge({ ...size, batchSize: maxBatch }, memory)).toBeNull();
  });
});
