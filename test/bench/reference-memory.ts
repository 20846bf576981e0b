/**
 * The reference supernet's memory plan (supernet/memory-plan.ts: plain estimate from batches 2 and
 * 4, against 80 % of the wasm heap) and its plain weight step's distinct-buffer peak measured at
 * batch 32. `npx tsx test/bench/reference-memory.ts`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../src-shared/model/rng';
import { DartsSpace } from '../../src-shared/model/space';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { measureStepBytes } from '../../src-main/engine/backend/memory';
import { crossEntropy } from '../../src-main/engine/evaluate/classification';
import { softmaxWeights } from '../../src-main/engine/supernet/arch-params';
import { DartsSupernet } from '../../src-main/engine/supernet/darts-network';
import { planDartsMemory } from '../../src-main/engine/supernet/memory-plan';
import { REFERENCE } from './supernet-step';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const [batch, height, width, inChannels] = REFERENCE.input;
  const space = DartsSpace.parse({ kind: 'darts', ...REFERENCE.space });
  const shape = { height, width, inChannels, numClasses: REFERENCE.numClasses };
  const plan = await planDartsMemory(space, shape, batch, 1);
  console.log(`${REFERENCE.label}: ${plan.note}; estimate ${mib(plan.estimate.bytes)}, recompute=${plan.recompute ?? 'none'}`);
  const net = new DartsSupernet(space, shape, new Rng(1));
  const x = tf.randomNormal([batch, height, width, inChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.zeros([batch], 'int32') as tf.Tensor1D;
  const measured = await measureStepBytes(batch, () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y), net.params.list());
    tf.dispose([value, ...Object.values(grads)]);
  });
  console.log(`plain weight step at batch ${batch}: distinct-buffer peak ${mib(measured.peakBytes)}`);
  console.log(`reference_plan_estimate_mib=${(plan.estimate.bytes / 2 ** 20).toFixed(0)} reference_plan_recompute=${plan.recompute ?? "none"}`);
  console.log(`reference_plain_peak_mib=${(measured.peakBytes / 2 ** 20).toFixed(0)}`);
  tf.dispose([x, y]);
  net.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
