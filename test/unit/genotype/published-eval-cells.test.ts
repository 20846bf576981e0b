import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import { DARTS_GENOTYPE_OPS, formatDartsPython, formatGenotypeJson, parseGenotype } from '../../../src-shared/model/genotype-codec';
import { countNetworkCifarParams } from '../../../src-shared/model/param-count';
import { Rng } from '../../../src-shared/model/rng';
import { DartsEvalNetwork } from '../../../src-main/engine/evaluate/darts-eval-network';
import { EVAL_OP_FACTORIES } from '../../../src-main/engine/ops/eval-ops';

// Two cells of quark0/darts cnn/genotypes.py (commit 8876e79) as written there: 5 nodes, ops outside
// the search set (sep_conv_7x7, conv_7x1_1x7) and concat lists of their own.
const NASNET = `NASNet = Genotype(
  normal = [
    ('sep_conv_5x5', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 0),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 0),
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
  ],
  normal_concat = [2, 3, 4, 5, 6],
  reduce = [
    ('sep_conv_5x5', 1),
    ('sep_conv_7x7', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('sep_conv_5x5', 0),
    ('skip_connect', 3),
    ('avg_pool_3x3', 2),
    ('sep_conv_3x3', 2),
    ('max_pool_3x3', 1),
  ],
  reduce_concat = [4, 5, 6],
)`;

const AMOEBANET = `AmoebaNet = Genotype(
  normal = [
    ('avg_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 2),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 3),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 1),
    ],
  normal_concat = [4, 5, 6],
  reduce = [
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('max_pool_3x3', 0),
    ('sep_conv_7x7', 2),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('max_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('conv_7x1_1x7', 0),
    ('sep_conv_3x3', 5),
  ],
  reduce_concat = [3, 4, 6]
)`;

describe('genotype codec: published cells outside the search set', () => {
  it('knows exactly the ops the evaluation network builds, plus the search-only noise', () => {
    expect([...DARTS_GENOTYPE_OPS].sort()).toEqual([...Object.keys(EVAL_OP_FACTORIES), 'noise'].sort());
  });

  it.each([
    ['NASNet', NASNET, 5, [2, 3, 4, 5, 6], [4, 5, 6]],
    ['AmoebaNet', AMOEBANET, 5, [4, 5, 6], [3, 4, 6]],
  ] as const)('reads %s (5 nodes, its own concat lists) and writes it back in every form', (_name, text, nodes, normalConcat, reduceConcat) => {
    const g = parseGenotype(text) as DartsGenotype;
    expect(g.space).toBe('darts');
    expect(g.normal).toHaveLength(2 * nodes);
    expect(g.reduce).toHaveLength(2 * nodes);
    expect(g.normal_concat).toEqual(normalConcat);
    expect(g.reduce_concat).toEqual(reduceConcat);
    // The op multiset as counted by hand from the text above.
    const ops = [...g.normal, ...g.reduce].map(([op]) => op);
    expect(ops.filter((op) => op === 'sep_conv_7x7')).toHaveLength(2);
    expect(ops.filter((op) => op === 'conv_7x1_1x7')).toHaveLength(text === AMOEBANET ? 1 : 0);
    expect(parseGenotype(formatGenotypeJson(g))).toEqual(g);
    expect(parseGenotype(formatDartsPython(g))).toEqual(g);
    expect(parseGenotype(formatDartsPython(g, { concat: 'list' }))).toEqual(g);
  });

  it.each([
    ['NASNet', NASNET],
    ['AmoebaNet', AMOEBANET],
  ])('builds %s in the evaluation network, which classifies and has the closed-form parameter count', (_name, text) => {
    tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const net = new DartsEvalNetwork(parseGenotype(text) as DartsGenotype, { height: 8, width: 8, channels: 1, classes: 3 }, { channels: 2, layers: 3, auxiliary: false, variant: 'cifar' }, new Rng(1));
    const logits = tf.tidy(() => net.forward(tf.ones([2, 8, 8, 1]), { training: false, dropPathProb: 0 }).logits.arraySync());
    expect(logits).toHaveLength(2);
    expect(logits[0]).toHaveLength(3);
    expect(logits.flat().every(Number.isFinite)).toBe(true);
    // The closed-form count the Genotype view shows (param-count.ts) agrees with the built network.
    expect(countNetworkCifarParams(parseGenotype(text) as DartsGenotype, { channels: 2, layers: 3, classes: 3, inputChannels: 1, stemMultiplier: 3 }).total).toBe(net.params.count());
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('still refuses an op nobody defines, naming it and listing the known ones', () => {
    expect(() => parseGenotype(NASNET.replace("('sep_conv_7x7', 0),\n    ('max_pool_3x3', 1)", "('sep_conv_9x9', 0),\n    ('max_pool_3x3', 1)"))).toThrow(
      /edge 1 of 'reduce' \(node 0\): unknown op 'sep_conv_9x9'; DARTS-space ops are .*sep_conv_7x7, conv_7x1_1x7/,
    );
  });
});
