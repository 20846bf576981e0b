import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels, type SimdKernels } from '../simd/module';
import { WASM } from './kernel-util';

/**
 * A mixed edge's weighted sum in one kernel call: inputs [map_0, …, map_{M-1}, w] (maps of one
 * shape, w one edge's row of K weights, any shape of K entries), output
 * Σ_i w[terms[i]]·map_i + Σ_j w[constants[j]]. `constants` are GDAS's terms w_j·0 + w_j whose
 * value is ~0 but which pass the gradient to every weight of the edge (see supernet/types.ts).
 * The gradient kernels give each map w[terms[i]]·dy, and the row Σ dy·map_i at terms[i], Σ dy at
 * constants[j], 0 elsewhere (a `none` op). Replaces K slices, K reshapes, K Muls and an AddN per
 * edge, and the K product maps tfjs keeps until the backward pass.
 */
export const NAS_WEIGHTED_SUM = 'NasWeightedSum';
export const NAS_WEIGHTED_SUM_GRAD = 'NasWeightedSumGrad';
export const NAS_WEIGHTED_SUM_ROW_GRAD = 'NasWeightedSumRowGrad';

export interface NasWeightedSumAttrs {
  /** Row index of each map's weight. */
  terms: number[];
  /** Row indices of the weights added as constants. */
  constants: number[];
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm };

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);
function f32Bits(v: number): number {
  scratch[0] = v;
  return scratchBits[0];
}

/** Checks the inputs and splits them into maps and the weight row; throws what is wrong. */
function splitInputs(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: NasWeightedSumAttrs, leading: number) {
  const all = Object.values(inputs) as tf.TensorInfo[];
  const w = all[all.length - 1];
  const maps = all.slice(leading, -1);
  const rowLength = tf.util.sizeFromShape(w.shape);
  if (maps.length === 0 || maps.length !== attrs.terms.length) {
    throw new Error(`${kernelName}: ${maps.length} maps for ${attrs.terms.length} term indices; pass at least one map and one index per map`);
  }
  const shape = maps[0].shape;
  for (const t of all) {
    if (t.dtype !== 'float32') throw new Error(`${kernelName}: inputs must be float32, got ${t.dtype}`);
  }
  for (const m of maps) {
    if (!tf.util.arraysEqual(m.shape, shape)) throw new Error(`${kernelName}: maps of shapes [${m.shape}] and [${shape}]; all maps must have one shape`);
  }
  for (const k of [...attrs.terms, ...attrs.constants]) {
    if (!Number.isInteger(k) || k < 0 || k >= rowLength) throw new Error(`${kernelName}: weight index ${k} outside the row of ${rowLength} weights`);
  }
  return { maps, w, size: tf.util.sizeFromShape(shape), shape };
}

/** The SIMD part covers the first `vectorBytes` bytes (whole f32x4s); the rest, or all without SIMD, in JS. */
function vectorBytes(kernels: SimdKernels | null, size: number): number {
  return kernels ? Math.floor(size / 4) * 16 : 0;
}

function weightedSum(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as NasWeightedSumAttrs;
  const { backend } = args;
  const { maps, w, size, shape } = splitInputs(NAS_WEIGHTED_SUM, args.inputs, attrs, 0);
  const out = backend.makeOutput(shape, 'float32');
  const kernels = simdKernels(backend);
  const bytes = vectorBytes(kernels, size);
  // Views after the allocation: a growing heap replaces its ArrayBuffer.
  const row = backend.typedArrayFromHeap(w) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  let shift = 0;
  for (const j of attrs.constants) shift += row[j];
  maps.forEach((m, i) => {
    const weight = row[attrs.terms[i]];
    if (kernels && bytes > 0) {
      if (i === 0) kernels.nasScaleShift(heapOffset(backend, m.dataId), heapOffset(backend, out.dataId), bytes, f32Bits(weight), f32Bits(shift));
      else kernels.nasScaleAdd(heapOffset(backend, m.dataId), heapOffset(backend, out.dataId), bytes, f32Bits(weight), 0);
    }
    const src = backend.typedArrayFromHeap(m) as Float32Array;
    if (i === 0) for (let p = bytes / 4; p < size; p++) dst[p] = weight * src[p] + shift;
    else for (let p = bytes / 4; p < size; p++) dst[p] += weight * src[p];
  });
  return out;
}

/** The maps' gradients, w[terms[i]]·dy each: inputs [dy, ...maps, w]. */
function mapGradients(args: KernelArgs): tf.TensorInfo[] {
  const attrs = args.attrs as unknown as NasWeightedSumAttrs;
  const { backend } = args;
  const { maps, w, size, shape, dy } = splitGradientInputs(NAS_WEIGHTED_SUM_GRAD, args, attrs);
  const kernels = simdKernels(backend);
  const bytes = vectorBytes(kernels, size);
  const dMaps = maps.map(() => backend.makeOutput(shape, 'float32'));
  const row = backend.typedArrayFromHeap(w) as Float32Array;
  dMaps.forEach((dMap, i) => {
    const weight = row[attrs.terms[i]];
    if (kernels && bytes > 0) kernels.nasScaleShift(heapOffset(backend, dy.dataId), heapOffset(backend, dMap.dataId), bytes, f32Bits(weight), 0);
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dst = backend.typedArrayFromHeap(dMap) as Float32Array;
    for (let p = bytes / 4; p < size; p++) dst[p] = weight * g[p];
  });
  return dMaps;
}

/**
 * The row's gradient: Σ dy·map_i at terms[i], Σ dy at each of constants, 0 elsewhere; inputs
 * [dy, ...maps, w]. Its own kernel so that a weight step (α fixed) does not compute it: tfjs asks
 * only for the gradients of inputs on the path to the variables.
 */
function rowGradient(args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as unknown as NasWeightedSumAttrs;
  const { backend } = args;
  const { maps, w, size, dy } = splitGradientInputs(NAS_WEIGHTED_SUM_ROW_GRAD, args, attrs);
  const kernels = simdKernels(backend);
  const bytes = vectorBytes(kernels, size);
  const dw = backend.makeOutput(w.shape, 'float32');
  const dwOffset = heapOffset(backend, dw.dataId);
  // The SIMD kernels write the vector part of each sum into dw; the JS tail adds to it.
  (backend.typedArrayFromHeap(dw) as Float32Array).fill(0);
  if (kernels && bytes > 0) {
    maps.forEach((m, i) => kernels.nasDot(heapOffset(backend, dy.dataId), heapOffset(backend, m.dataId), bytes, dwOffset + 4 * attrs.terms[i]));
    if (attrs.constants.length) kernels.nasSum(heapOffset(backend, dy.dataId), 0, bytes, dwOffset + 4 * attrs.constants[0]);
  }
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dRow = backend.typedArrayFromHeap(dw) as Float32Array;
  maps.forEach((m, i) => {
    const src = backend.typedArrayFromHeap(m) as Float32Array;
    let dot = 0;
    for (let p = bytes / 4; p < size; p++) dot += g[p] * src[p];
    dRow[attrs.terms[i]] += dot;
  });
  if (attrs.constants.length) {
    let sum = dRow[attrs.constants[0]];
    for (let p = bytes / 4; p < size; p++) sum += g[p];
    for (const j of attrs.constants) dRow[j] = sum;
  }
  return dw;
}

function splitGradientInputs(kernelName: string, args: KernelArgs, attrs: NasWeightedSumAttrs) {
  const split = splitInputs(kernelName, args.inputs, attrs, 1);
  const dy = Object.values(args.inputs)[0] as tf.TensorInfo;
  if (!tf.util.arraysEqual(dy.shape, split.shape)) throw new Error(`${kernelName}: dy has shape [${dy.shape}], the maps [${split.shape}]`);
  return { ...split, dy };
}

export const nasWeightedSumConfig: tf.KernelConfig = {
  kernelName: NAS_WEIGHTED_SUM,
  backendName: WASM,
  kernelFunc: weightedSum as unknown as tf.KernelFunc,
};

export const nasWeightedSumGradConfig: tf.KernelConfig = {
  kernelName: NAS_WEIGHTED_SUM_GRAD,
  backendName: WASM,
  kernelFunc: mapGradients as unknown as tf.KernelFunc,
};

export const nasWeightedSumRowGradConfig: tf.KernelConfig = {
  kernelName: NAS_WEIGHTED_SUM_ROW_GRAD,
  backendName: WASM,
  kernelFunc: rowGradient as unknown as tf.KernelFunc,
};

/** Gradients are global in tfjs; the kernels above are what makes the op available on a backend. */
if (tf.getGradient(NAS_WEIGHTED_SUM) === undefined) {
  tf.registerGradient({
    kernelName: NAS_WEIGHTED_SUM,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs = [dy, ...saved] as unknown as tf.NamedTensorMap;
      // Computed here, not in the closures: tfjs runs each closure in its own tidy, which would dispose the other outputs.
      const maps = tf.engine().runKernel(NAS_WEIGHTED_SUM_GRAD, inputs, attrs) as unknown as tf.Tensor[];
      const grads: Record<string, () => tf.Tensor> = Object.fromEntries(maps.map((g, i) => [String(i), () => g]));
      grads[String(maps.length)] = () => tf.engine().runKernel(NAS_WEIGHTED_SUM_ROW_GRAD, inputs, attrs) as tf.Tensor;
      return grads;
    },
  });
}
