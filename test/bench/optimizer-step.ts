/**
 * CPU time of the optimizer part of the reference supernet's weight step (global norm for clipping
 * at 5, then SGD with momentum 0.9 and weight decay 3e-4 over its 889 weight tensors), with the
 * fused kernels and with the composed ops, interleaved. `npx tsx test/bench/optimizer-step.ts
 * [rounds] [--backend=wasm|cpu]`. Gradients: random normals of σ 0.1 (norm ~60: clipping applies, as
 * in training) and of σ 0.001 (norm ~0.6: no clipping, as in the profiled step at initialisation).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../src-shared/model/rng';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { DartsSupernet } from '../../src-main/engine/supernet/darts-network';
import { NAS_ADAM_L2, NAS_SGD_MOMENTUM, NAS_SUM_OF_SQUARES } from '../../src-main/engine/optim/fused';
import { SgdMomentum, clipScale, globalNorm } from '../../src-main/engine/optim/optimizers';
import { cpuMs, median } from './kernel-timer';
import { REFERENCE } from './supernet-step';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);
const BACKEND = args.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? 'wasm';

async function main() {
  await tf.setBackend(BACKEND);
  if (BACKEND === 'wasm') registerTrainingKernels();
  const net = new DartsSupernet({ kind: 'darts', ...REFERENCE.space }, { inChannels: REFERENCE.input[3], numClasses: REFERENCE.numClasses }, new Rng(1));
  const weights = net.params.list();
  const fused = tf.getKernelsForBackend(BACKEND).filter((k) => [NAS_SGD_MOMENTUM, NAS_SUM_OF_SQUARES, NAS_ADAM_L2].includes(k.kernelName));
  const setFused = (on: boolean) => {
    for (const k of fused) {
      const present = tf.getKernel(k.kernelName, BACKEND) !== undefined;
      if (on && !present) tf.registerKernel(k);
      if (!on && present) tf.unregisterKernel(k.kernelName, BACKEND);
    }
  };
  for (const sigma of [0.1, 0.001]) {
    const seed = new Rng(2);
    const grads = weights.map((w) => tf.randomNormal(w.shape, 0, sigma, 'float32', seed.int(1 << 30)));
    const sgd = { fused: new SgdMomentum(0.9, 3e-4), composed: new SgdMomentum(0.9, 3e-4) };
    const times: Record<'fused' | 'composed', number[]> = { fused: [], composed: [] };
    let scale = 1;
    for (let round = 0; round <= ROUNDS; round++) {
      for (const path of ['fused', 'composed'] as const) {
        setFused(path === 'fused');
        const start = cpuMs();
        scale = clipScale(globalNorm(grads), 5);
        sgd[path].step(weights, grads, 0.025, scale);
        if (round > 0) times[path].push(cpuMs() - start); // round 0 warms up both
      }
    }
    setFused(true);
    const f = median(times.fused);
    const c = median(times.composed);
    console.log(`${BACKEND}: optimizer part of the reference step (${weights.length} tensors, clip scale ${scale.toFixed(3)}), median of ${ROUNDS}`);
    console.log(`  composed ${c.toFixed(1)} ms CPU, fused ${f.toFixed(1)} ms CPU (${(c / f).toFixed(1)}x)`);
    sgd.fused.dispose();
    sgd.composed.dispose();
    tf.dispose(grads);
  }
  net.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
