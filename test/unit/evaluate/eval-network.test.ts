import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { countMultiplyAdds, measureComplexity } from '../../../src-main/engine/evaluate/complexity';
import { DartsEvalNetwork, type DartsEvalShape } from '../../../src-main/engine/evaluate/darts-eval-network';
import { Nb201EvalNetwork, NB201_EVAL_SHAPE } from '../../../src-main/engine/evaluate/nb201-eval-network';
import { PYTORCH_EVAL_PARAMS, publishedDartsCell } from '../../fixtures/published';

const CIFAR = { height: 32, width: 32, channels: 3, classes: 10 };
const DARTS_CIFAR10: DartsEvalShape = { channels: 36, layers: 20, auxiliary: true, variant: 'cifar' };

/** A cell of one node: op on state 0, identity on state 1, output the node. */
const oneNode = (normalOp: string, reduceOp = 'sep_conv_3x3'): DartsGenotype => ({
  space: 'darts',
  normal: [[normalOp, 0], ['skip_connect', 1]],
  normal_concat: [2],
  reduce: [[reduceOp, 0], ['skip_connect', 1]],
  reduce_concat: [2],
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DARTS evaluation network (NetworkCIFAR)', () => {
  // test/fixtures/darts_eval_params.json: counted with a PyTorch build of DARTS's NetworkCIFAR (C=36, 20 cells, no auxiliary head).
  it.each(Object.entries(PYTORCH_EVAL_PARAMS))('%s built with the auxiliary head has %i parameters outside it, as PyTorch counts them', (name, expected) => {
    const net = new DartsEvalNetwork(publishedDartsCell(name), CIFAR, DARTS_CIFAR10, new Rng(1));
    expect(net.params.count()).toBe(expected);
    // AuxiliaryHeadCIFAR(576, 10): 576·128 + 2·128 + 2·2·128·768 + 2·768 + 768·10 + 10 = 476,426, trained but not counted.
    expect(net.auxParams.count()).toBe(476_426);
    net.dispose();
  });

  it('counts the multiply-adds of a small network as worked by hand', async () => {
    // Input 8×8×1, C = 4, 3 cells (reductions at 1 and 2), one-node cells: sep_conv_3x3 on state 0 + skip on state 1.
    // stem 3×3, 1 → 12 at 8×8:                       64·12·9            =  6,912
    // cell 0 (normal, C=4, 8×8): pre0 12→4, pre1 12→4: 2·64·4·12          =  6,144
    //   sep_conv_3x3: 2 × (dw 64·4·9 + pw 64·4·4)    = 2 × (2,304 + 1,024) =  6,656
    // cell 1 (reduce, C=8, 8×8 → 4×4): pre0 12→8 (ReLUConvBN): 64·8·12 = 6,144; pre1 4→8: 64·8·4 = 2,048
    //   sep_conv_3x3 stride 2: dw 16·8·9 + pw 16·8·8, twice = 2 × (1,152 + 1,024) = 4,352
    //   skip_connect stride 2 = FactorizedReduce 8→8: 2 × 16·4·8          =  1,024
    // cell 2 (reduce, C=16, 4×4 → 2×2): pre0 = FactorizedReduce(4 → 16) on cell 0's 8×8 output: 2 × 16·8·4 = 1,024
    //   pre1 8→16 at 4×4: 16·16·8 = 2,048; sep_conv stride 2: 2 × (4·16·9 + 4·16·16) = 3,200; FactorizedReduce 16→16: 2 × 4·8·16 = 1,024
    // classifier 16 → 10: 160.  Total 6,912 + 12,800 + 13,568 + 7,296 + 160 = 40,736.
    const net = new DartsEvalNetwork(oneNode('sep_conv_3x3'), { height: 8, width: 8, channels: 1, classes: 10 }, { channels: 4, layers: 3, auxiliary: false, variant: 'cifar' }, new Rng(2));
    expect(await countMultiplyAdds(net)).toBe(40_736);
    net.dispose();
  });

  it('builds the ops outside the search set with the parameters DARTS gives them, at stride 1 and 2', () => {
    const input = { height: 16, width: 16, channels: 1, classes: 10 };
    const shape: DartsEvalShape = { channels: 4, layers: 3, auxiliary: false, variant: 'cifar' };
    const count = (op: string) => {
      const net = new DartsEvalNetwork(oneNode(op, op), input, shape, new Rng(3));
      const logits = tf.tidy(() => net.forward(tf.ones([2, 16, 16, 1]), { training: true, dropPathProb: 0 }).logits.shape);
      expect(logits).toEqual([2, 10]);
      const n = net.params.count();
      net.dispose();
      return n;
    };
    const base = count('max_pool_3x3');
    // conv_7x1_1x7 at C: 7·C² + 7·C² + BN 2C; the cells have C = 4, 8, 16: 232 + 912 + 3,616.
    expect(count('conv_7x1_1x7') - base).toBe(4_760);
    // sep_conv_7x7 at C: 2 × (49·C + C² + 2C): 440 + 944 + 2,144.
    expect(count('sep_conv_7x7') - base).toBe(3_528);
    expect(() => count('conv_9x9')).toThrow(/no op 'conv_9x9'/);
  });

  it('builds the ImageNet skeleton (stem0/stem1, 224×224) with the size DARTS reports for it', async () => {
    // DARTS (Liu et al. 2019) Table 3: 4.7 M parameters on ImageNet (C=48, 14 cells, mobile setting).
    const net = new DartsEvalNetwork(publishedDartsCell('DARTS_V2'), { height: 224, width: 224, channels: 3, classes: 1000 }, { channels: 48, layers: 14, auxiliary: false, variant: 'imagenet' }, new Rng(4));
    expect(net.params.count() / 1e6).toBeCloseTo(4.7, 1);
    net.dispose();
  });
});

describe('NAS-Bench-201 evaluation network', () => {
  const published = JSON.parse(readFileSync(join(__dirname, '../../fixtures/nb201_cost.json'), 'utf8')) as {
    cells: Record<string, Record<'cifar10' | 'cifar100', { params: number; flop: number }>>;
  };

  it.each(Object.keys(published.cells))('%s has NAS-Bench-201\'s published parameters and FLOPs', async (arch) => {
    for (const [dataset, classes] of [['cifar10', 10], ['cifar100', 100]] as const) {
      const net = new Nb201EvalNetwork({ space: 'nb201', arch }, { ...CIFAR, classes }, NB201_EVAL_SHAPE, new Rng(5));
      const { params, multiplyAdds } = await measureComplexity(net);
      const figure = published.cells[arch][dataset];
      // Published in millions with 6 decimals: the count itself.
      expect(params).toBe(Math.round(figure.params * 1e6));
      // NAS-Bench-201's FLOPs also count the classifier's bias additions (one per class), which multiply-adds leave out.
      expect(multiplyAdds + classes).toBeCloseTo(figure.flop * 1e6, -1);
      net.dispose();
    }
  });
});
