import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { DartsEvalNetwork } from '../../../src-main/engine/evaluate/darts-eval-network';
import { dartsStateDict } from '../../../src-main/engine/evaluate/darts-state-dict';
import { readSafetensors, writeSafetensors } from '../../../src-main/engine/evaluate/safetensors';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/darts_state_dict_keys.json'), 'utf8')) as {
  genotype: DartsGenotype;
  layers: number;
  keys: string[];
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('safetensors export in the layout of DARTS\'s NetworkCIFAR state_dict', () => {
  const C = 4;
  const build = () => new DartsEvalNetwork(fixture.genotype, { height: 28, width: 28, channels: 1, classes: 10 }, { channels: C, layers: fixture.layers, auxiliary: true, variant: 'cifar' }, new Rng(11));

  it('names every tensor as PyTorch does (a list derived by hand from model.py), with PyTorch layouts', () => {
    const net = build();
    const tensors = dartsStateDict(net, 7);
    expect(tensors.map((t) => t.name).sort()).toEqual([...fixture.keys].sort());
    const byName = new Map(tensors.map((t) => [t.name, t]));
    // Conv2d(1, 3C, 3): OIHW [12, 1, 3, 3]; element [o][i][h][w] is our filter's [h][w][i][o].
    const stem = byName.get('stem.0.weight')!;
    expect(stem.shape).toEqual([12, 1, 3, 3]);
    const ours = net.params.get('stem.conv').arraySync() as number[][][][];
    expect(stem.data[((5 * 1 + 0) * 3 + 2) * 3 + 1]).toBe(Math.fround(ours[2][1][0][5]));
    // Depthwise Conv2d(C, C, 3, groups=C): [C, 1, 3, 3]; pointwise [C, C, 1, 1]; the 1×7 conv [C, C, 1, 7].
    expect(byName.get('cells.0._ops.0.op.1.weight')!.shape).toEqual([C, 1, 3, 3]);
    expect(byName.get('cells.0._ops.0.op.2.weight')!.shape).toEqual([C, C, 1, 1]);
    expect(byName.get('cells.0._ops.1.1.weight')!.shape).toEqual([C, C, 1, 7]);
    expect(byName.get('auxiliary_head.features.5.weight')!.shape).toEqual([768, 128, 1, 1]);
    // nn.Linear weight [out, in]: the last cell outputs 16 channels (one node; the two reductions take C from 4 to 16).
    expect(byName.get('classifier.weight')!.shape).toEqual([10, 16]);
    expect(byName.get('stem.1.running_var')!.data).toEqual(new Float32Array(12).fill(1));
    expect(byName.get('stem.1.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [], data: BigInt64Array.of(7n) });
    net.dispose();
  });

  it('reads back the same names, shapes and values, and the header is 8-byte aligned', () => {
    const net = build();
    const tensors = dartsStateDict(net, 3);
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(tensors.map((t) => [t.name, t.dtype, t.shape]));
    back.tensors.forEach((t, i) => expect(t.data).toEqual(tensors[i].data));
    net.dispose();
  });

  it('refuses a truncated or malformed file, saying what is wrong', () => {
    const bytes = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]);
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(/tensor 'w': offsets \[0, 16\] do not hold shape \[2,2\]/);
    expect(() => readSafetensors(bytes.subarray(0, 5))).toThrow(/fewer than the 8-byte header length/);
    expect(() => writeSafetensors([{ name: 'w', dtype: 'F32', shape: [3], data: Float32Array.of(1, 2) }])).toThrow(/shape \[3\] but 2 values/);
  });
});
