import * as tf from '@tensorflow/tfjs';

/**
 * tfjs 4.22's engine saves every tensor a gradient needs as `keep(clone(t))` (a registered
 * kernel's saved inputs/outputs and customGrad's `save`; the engine calls its `clone` nowhere
 * else, `tensor.clone()` is another function). That clone is a full `runKernel(Identity)` plus a
 * tape node whose gradient is a Cast: ~4,100 of the reference step's ~10,700 kernel calls and as
 * many tape nodes (docs/performance.md, "Tape clones"). On backends that count buffer references
 * themselves (wasm, cpu) the same tensor is one `incRef` and a Tensor object, which is exactly what
 * our Identity kernel (wasm) and the cpu backend's return. The tape node matters only when the
 * backward pass is itself recorded (a gradient of a gradient: the forward ran inside two nested
 * gradient scopes); a tensor saved under a single gradient scope is read only by gradient
 * functions, which run untaped, so its node never carries a gradient.
 *
 * So at gradient depth 1 on such a backend the saved tensor shares the buffer and gets no tape
 * node; at depth ≥ 2, or on another backend, tfjs's own clone runs. Installed on the engine
 * instance (no file patch); idempotent; an engine without the expected internals is left alone
 * (returns false).
 */

interface EngineInternals {
  state?: { gradientDepth: number; tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> };
  clone(x: tf.Tensor): tf.Tensor;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
  lightTapeClones?: true;
}

export function installLightTapeClones(): boolean {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.lightTapeClones) return true;
  const tfjsClone = engine.clone;
  if (typeof tfjsClone !== 'function' || typeof engine.makeTensorFromTensorInfo !== 'function' || engine.state?.tensorInfo === undefined) return false;
  const state = engine.state;
  engine.clone = function lightClone(x: tf.Tensor): tf.Tensor {
    const backend = state.tensorInfo.get(x.dataId)?.backend;
    if (state.gradientDepth > 1 || backend === undefined || backend.incRef === tf.KernelBackend.prototype.incRef) return tfjsClone.call(engine, x);
    backend.incRef(x.dataId);
    return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend);
  };
  engine.lightTapeClones = true;
  return true;
}
