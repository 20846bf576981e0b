import * as tf from '@tensorflow/tfjs';

/**
 * Gradient checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost") for one
 * block: the forward runs untaped, so none of its intermediates outlive it; the backward runs the
 * block's forward again under a fresh tape and backpropagates dy through it. Only the block's inputs
 * are kept between the two passes. `block` must be a pure function of `inputs` and `variables`
 * (it reads the variables' current values; nothing may change them between forward and backward).
 * Returns grads for every input and every variable (zeros where the output does not depend on one).
 */
export function checkpointed(
  block: (inputs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly tf.Tensor[],
  variables: readonly tf.Variable[],
): tf.Tensor {
  const count = inputs.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save(args.slice(0, count) as tf.Tensor[]);
    // The forward runs inside a kernel (tape off); tidy frees its intermediates at once.
    const value = tf.tidy(() => block(args.slice(0, count) as tf.Tensor[]));
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const xs = [...saved, ...variables];
        // The engine replaces its tape on a gradient at depth 0 and sets it to null afterwards, while
        // the outer backward pass still needs it for its own clean-up: keep it aside and put it back.
        const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
        const outerTape = state.activeTape;
        try {
          const { value: recomputed, grads } = tf.engine().gradients(() => block(saved), xs, dy as tf.Tensor, true);
          recomputed.dispose();
          return xs.map((x, i) => grads[i] ?? tf.zerosLike(x));
        } finally {
          state.activeTape = outerTape;
        }
      },
    };
  });
  return op(...inputs, ...variables);
}
