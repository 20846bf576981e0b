import type { DartsGenotype } from './genotype';
import { validateDartsGenotype } from './genotype-codec';

/**
 * Trainable parameters of DARTS's evaluation network NetworkCIFAR (quark0/darts cnn/model.py and
 * operations.py) for a genotype, counted as PyTorch's `named_parameters()` would: convolution weights
 * (no biases), affine batch-norm weight and bias (running statistics are buffers), the classifier's
 * weight and bias. The auxiliary head is left out, as DARTS's "param size" print leaves it out.
 */
export interface NetworkCifarShape {
  /** Initial channels C (DARTS CIFAR-10: 36). */
  channels: number;
  /** Number of cells (DARTS CIFAR-10: 20); reductions at layers//3 and 2*layers//3. */
  layers: number;
  classes: number;
  /** Image channels (3 for CIFAR, 1 for Fashion-MNIST). */
  inputChannels: number;
  stemMultiplier: number;
}

export const DARTS_CIFAR10_EVAL: NetworkCifarShape = { channels: 36, layers: 20, classes: 10, inputChannels: 3, stemMultiplier: 3 };

export interface ParamCount {
  total: number;
  stem: number;
  /** Per cell, preprocessing included. */
  cells: number[];
  classifier: number;
}

const batchNorm = (c: number): number => 2 * c;
const reluConvBn = (cIn: number, cOut: number, k: number): number => cIn * cOut * k * k + batchNorm(cOut);
/** Two 1x1 stride-2 convolutions to C/2 channels each, concatenated, then batch norm. */
function factorizedReduce(cIn: number, cOut: number): number {
  if (cOut % 2 !== 0) throw new Error(`FactorizedReduce needs an even channel count, got ${cOut}`);
  return 2 * cIn * (cOut / 2) + batchNorm(cOut);
}
/** Depthwise k×k, pointwise 1×1, batch norm. */
const dilConv = (c: number, k: number): number => c * k * k + c * c + batchNorm(c);
/** DARTS's SepConv stacks the depthwise-pointwise-BN block twice. */
const sepConv = (c: number, k: number): number => 2 * dilConv(c, k);

/** Parameters of one op with C channels (the search set, DARTS's evaluation-only ops, NAS-Bench-201's convs); pools, zero, identity and RobustDARTS's noise have none. */
export function opParams(op: string, c: number, stride: 1 | 2): number {
  switch (op) {
    case 'none':
    case 'noise':
    case 'max_pool_3x3':
    case 'avg_pool_3x3':
      return 0;
    case 'skip_connect':
      return stride === 1 ? 0 : factorizedReduce(c, c);
    case 'sep_conv_3x3':
      return sepConv(c, 3);
    case 'sep_conv_5x5':
      return sepConv(c, 5);
    case 'dil_conv_3x3':
      return dilConv(c, 3);
    case 'dil_conv_5x5':
      return dilConv(c, 5);
    case 'sep_conv_7x7':
      return sepConv(c, 7);
    case 'conv_7x1_1x7':
      // ReLU, conv 1×7, conv 7×1 (C to C each, no bias), BN.
      return 2 * 7 * c * c + batchNorm(c);
    case 'nor_conv_1x1':
      // NAS-Bench-201's ReLU-conv-BN (its ops' parameters, for NASP's size penalty on that space).
      return reluConvBn(c, c, 1);
    case 'nor_conv_3x3':
      return reluConvBn(c, c, 3);
    default:
      throw new Error(`no parameter count for op '${op}'`);
  }
}

export function countNetworkCifarParams(genotype: DartsGenotype, shape: NetworkCifarShape = DARTS_CIFAR10_EVAL): ParamCount {
  const g = validateDartsGenotype(genotype);
  const { channels, layers, classes, inputChannels, stemMultiplier } = shape;
  for (const [name, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`NetworkCIFAR ${name} must be a positive integer, got ${v}`);
  }
  const stemC = stemMultiplier * channels;
  const stem = inputChannels * stemC * 9 + batchNorm(stemC);
  let [cPrevPrev, cPrev, cCurr] = [stemC, stemC, channels];
  let reductionPrev = false;
  const cells: number[] = [];
  for (let i = 0; i < layers; i++) {
    const reduction = i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3);
    if (reduction) cCurr *= 2;
    const pairs = reduction ? g.reduce : g.normal;
    const concat = reduction ? g.reduce_concat : g.normal_concat;
    let params = (reductionPrev ? factorizedReduce(cPrevPrev, cCurr) : reluConvBn(cPrevPrev, cCurr, 1)) + reluConvBn(cPrev, cCurr, 1);
    for (const [op, input] of pairs) params += opParams(op, cCurr, reduction && input < 2 ? 2 : 1);
    cells.push(params);
    reductionPrev = reduction;
    [cPrevPrev, cPrev] = [cPrev, concat.length * cCurr];
  }
  const classifier = cPrev * classes + classes;
  return { total: stem + cells.reduce((s, p) => s + p, 0) + classifier, stem, cells, classifier };
}
