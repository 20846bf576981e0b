import * as tf from '@tensorflow/tfjs';
import { avgPoolGradConfig } from './AvgPoolGrad';
import { batchMatMulConfig } from './BatchMatMul';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './batch-norm-names';
import { batchNormTrainConfig } from './BatchNormTrain';
import { batchNormTrainGradConfig } from './BatchNormTrainGrad';
import { concatConfig } from './Concat';
import { conv2DConfig } from './Conv2D';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeConfig } from './DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';
import { castConfig, identityConfig } from './Identity';
import { WASM } from './kernel-util';
import { maxPoolGradConfig } from './MaxPoolGrad';
import { nasAdamL2Config } from './NasAdamL2';
import { NAS_RELU_GRAD, nasReluGradConfig, registerReluGradient } from './NasReluGrad';
import { nasSgdMomentumConfig } from './NasSgdMomentum';
import { nasSumOfSquaresConfig } from './NasSumOfSquares';
import { nasWeightedSumConfig, nasWeightedSumGradConfig, nasWeightedSumRowGradConfig } from './NasWeightedSum';
import { addConfig, multiplyConfig, subConfig } from './RowBroadcast';
import { sliceConfig } from './Slice';
import { splitVConfig } from './SplitV';
import { captureStockKernel, hasStockKernel, stockKernel } from './stock';
import { installEagerRelease } from '../eager-release';
import { installLightTapeClones } from '../tape-clones';

/** Every kernel this project registers for the wasm backend: missing ones and faster replacements. */
export const trainingKernelConfigs: readonly tf.KernelConfig[] = [
  conv2DConfig,
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  identityConfig,
  castConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  sliceConfig,
  splitVConfig,
  multiplyConfig,
  addConfig,
  subConfig,
  concatConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  nasSgdMomentumConfig,
  nasSumOfSquaresConfig,
  nasAdamL2Config,
  nasWeightedSumConfig,
  nasWeightedSumGradConfig,
  nasWeightedSumRowGradConfig,
  nasReluGradConfig,
];

/** Which kernel configs are ours at the moment (so a second call changes nothing). */
function isRegistered(config: tf.KernelConfig): boolean {
  return tf.getKernel(config.kernelName, WASM) === config;
}

/**
 * Registers our training kernels for 'wasm', replacing stock ones of the same name. Call after the
 * wasm backend is initialised (`await tf.setBackend('wasm')`): stock kernels' setup functions run at
 * initialisation, and ours delegate to some of them. Idempotent.
 */
export function registerTrainingKernels(): void {
  if (tf.findBackend(WASM) === null) {
    throw new Error("registerTrainingKernels: initialise the wasm backend first (await tf.setBackend('wasm')).");
  }
  for (const config of trainingKernelConfigs) {
    if (isRegistered(config)) continue;
    captureStockKernel(config.kernelName);
    if (tf.getKernel(config.kernelName, WASM) !== undefined) tf.unregisterKernel(config.kernelName, WASM);
    tf.registerKernel(config);
  }
  registerReluGradient();
  // Our Identity shares buffers, so the tape's saved-tensor clones need no kernel call (tape-clones.ts).
  installLightTapeClones();
  // The backward pass frees each node's saved tensors and output gradients once used (eager-release.ts).
  installEagerRelease();
}

/** Kernels of our own names whose callers compose stock ops when they are absent. */
const OPTIONAL_KERNELS: readonly string[] = [BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, NAS_RELU_GRAD];

/**
 * Puts the stock kernels back (benchmarks compare the two) and removes the fused batch norm and
 * ReLU gradient (their callers then compose stock ops); kernels wasm lacks stay registered.
 */
export function restoreStockKernels(): void {
  for (const config of trainingKernelConfigs) {
    const current = tf.getKernel(config.kernelName, WASM);
    if (OPTIONAL_KERNELS.includes(config.kernelName)) {
      if (current === config) tf.unregisterKernel(config.kernelName, WASM);
      continue;
    }
    if (!hasStockKernel(config.kernelName)) continue;
    const stock = stockKernel(config.kernelName);
    if (current === stock) continue;
    tf.unregisterKernel(config.kernelName, WASM);
    tf.registerKernel(stock);
  }
}

