import * as tf from '@tensorflow/tfjs';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import { correctCount, crossEntropy } from '../../evaluate/classification';
import type { CellWeights, Supernet } from '../../supernet/types';
import type { Batch } from './architect';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { SgdMomentum, clipScale, globalNorm } from '../../optim/optimizers';

export interface WeightStepResult {
  loss: number;
  acc: number;
  /** Gradients of `alsoDifferentiate`, in its order (caller disposes). */
  extraGrads: tf.Tensor[];
}

/**
 * The supernet weights' update every one-shot strategy shares with DARTS: SGD with momentum and L2
 * weight decay, the gradient clipped to `gradClip`. The edge weights come from the strategy (a
 * Gumbel-softmax sample, a straight-through one-hot, a PVLL-NAS architecture); `alsoDifferentiate`
 * returns the gradients of more variables from the same backward pass (SNAS: α).
 */
export class WeightTrainer {
  /** The weights' optimizer (DARTS's unrolled step builds its look-ahead from it). */
  readonly sgd: SgdMomentum;

  constructor(private readonly net: Supernet, private readonly config: Pick<OneShotCommon, 'momentum' | 'weightDecay' | 'gradClip'>) {
    this.sgd = new SgdMomentum(config.momentum, config.weightDecay);
  }

  step(batch: Batch, edgeWeights: () => CellWeights, lr: number, alsoDifferentiate: tf.Variable[] = []): WeightStepResult {
    const weights = this.net.params.list();
    let correct = 0;
    const { value, grads } = tf.variableGrads(() => {
      const logits = this.net.forward(batch.x, edgeWeights());
      correct = tf.tidy(() => correctCount(logits, batch.y).dataSync()[0]);
      return crossEntropy(logits, batch.y);
    }, [...weights, ...alsoDifferentiate]);
    const loss = value.dataSync()[0];
    value.dispose();
    if (!Number.isFinite(loss)) {
      tf.dispose(Object.values(grads));
      throw new Error(`the training loss became ${loss}: lower learningRate (now ${lr}) or archLearningRate`);
    }
    // A single-path forward (GDAS, PVLL's discrete samples) leaves the other ops' weights without a
    // gradient; PyTorch's SGD skips such parameters (no decay, no momentum), and so do we.
    const reached = weights.filter((w) => grads[w.name]);
    const reachedGrads = reached.map((w) => grads[w.name]);
    this.sgd.step(reached, reachedGrads, lr, clipScale(globalNorm(reachedGrads), this.config.gradClip));
    tf.dispose(reachedGrads);
    return { loss, acc: correct / batch.y.shape[0], extraGrads: alsoDifferentiate.map((v) => grads[v.name]) };
  }

  /** The momentum buffers of the network's weights. */
  saveState(out: StateWriter): void {
    this.sgd.saveState(out, this.net.params.list());
  }

  loadState(from: StateReader): void {
    this.sgd.loadState(from, this.net.params.list());
  }

  dispose(): void {
    this.sgd.dispose();
  }
}
