/**
 * One mixed edge's weighted sum at the reference's largest shape (7 maps [32,28,28,8], `none`
 * skipped), forward + gradients for the maps (a weight step) and for maps + row (an α step):
 * the NasWeightedSum kernel against the tf-op composition it replaced (8 scalar slices+reshapes,
 * a Mul per op, AddN), interleaved, CPU ms per edge. `npx tsx test/bench/weighted-sum.ts [reps]`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { NAS_WEIGHTED_SUM } from '../../src-main/engine/backend/kernels/NasWeightedSum';
import { cpuMs, median } from './kernel-timer';

const REPS = Number(process.argv[2] ?? 30);
const SHAPE = [32, 28, 28, 8];
const terms = [1, 2, 3, 4, 5, 6, 7];

function composed(maps: tf.Tensor[], weights: tf.Tensor2D): tf.Tensor {
  const w = Array.from({ length: 8 }, (_, k) => tf.reshape(tf.slice(weights, [0, k], [1, 1]), []));
  return tf.addN(maps.map((m, i) => tf.mul(m, w[terms[i]])));
}

function fused(maps: tf.Tensor[], weights: tf.Tensor2D): tf.Tensor {
  const row = tf.slice(weights, [0, 0], [1, 8]);
  return tf.engine().runKernel(NAS_WEIGHTED_SUM, [...maps, row] as unknown as tf.NamedTensorMap, { terms, constants: [] } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const maps = terms.map((_, i) => tf.variable(tf.randomNormal(SHAPE, 0, 1, 'float32', i)));
  const weights = tf.variable(tf.softmax(tf.randomNormal([14, 8], 0, 1, 'float32', 99)) as tf.Tensor2D);
  const dy = tf.randomNormal(SHAPE, 0, 1, 'float32', 100);
  const step = (f: typeof fused, withRow: boolean) => {
    const start = cpuMs();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(maps, weights), dy)) as tf.Scalar, withRow ? [...maps, weights] : maps);
    tf.dispose([value, ...Object.values(grads)]);
    return cpuMs() - start;
  };
  for (const withRow of [false, true]) {
    const times = { composed: [] as number[], fused: [] as number[] };
    step(composed, withRow);
    step(fused, withRow);
    for (let i = 0; i < REPS; i++) {
      times.composed.push(step(composed, withRow));
      times.fused.push(step(fused, withRow));
    }
    const label = withRow ? 'maps + row (α step)' : 'maps only (weight step)';
    console.log(`${label}: composed ${median(times.composed).toFixed(2)} ms, NasWeightedSum ${median(times.fused).toFixed(2)} ms per edge (forward + backward, median of ${REPS})`);
  }
  tf.dispose([...maps, weights, dy]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
