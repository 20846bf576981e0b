import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../../src-shared/model/algorithms/train';
import { BatchIterator, orderedBatches } from '../data/batches';
import { loadDataset } from '../data/datasets';
import { batchNorm, convFilter, reluConvBn } from '../ops/blocks';
import { ParamStore } from '../ops/params';
import { conv2d } from '../ops/primitives';
import type { Op, OpContext } from '../ops/types';
import { correctCount, crossEntropy, scoreBatches } from '../evaluate/classification';
import { gradsInOrder, SgdMomentum } from '../optim/optimizers';
import type { SearchStrategy, StrategyFactory } from './strategy';

const EVAL_BATCH = 250;

/**
 * A small convnet: conv 3×3 (C) + BN, then ReLU-conv-BN blocks to 2C and 4C at stride 2,
 * global average pooling and a linear classifier. Built from the same op blocks as the supernet.
 */
function buildConvnet(params: ParamStore, ctx: Omit<OpContext, 'name'>, inChannels: number, c: number, classes: number) {
  const stemW = convFilter({ ...ctx, name: 'stem' }, 'conv', 3, inChannels, c);
  const stemBn = batchNorm(c, { ...ctx, name: 'stem' }, 'bn');
  const blocks: Op[] = [
    reluConvBn(c, 2 * c, 3, 2, { ...ctx, name: 'block1' }),
    reluConvBn(2 * c, 4 * c, 3, 2, { ...ctx, name: 'block2' }),
  ];
  const w = params.dense('classifier.w', 4 * c, classes);
  const b = params.constant('classifier.b', classes, 0);
  return (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      let h = stemBn(conv2d(x, stemW as tf.Tensor4D, 1));
      for (const block of blocks) h = block(h);
      return tf.add(tf.matMul(tf.mean(tf.relu(h), [1, 2]) as tf.Tensor2D, w), b) as tf.Tensor2D;
    });
}

/** Plain supervised training with SGD and momentum, scored on the test split every `evalEvery` steps. */
export const createTrainStrategy: StrategyFactory<TrainConfig> = async ({ config, rng, reporter, resourcesDir }) => {
  const data = await loadDataset(config.dataset, resourcesDir, rng.fork('dataset'));
  reporter.log('info', `dataset ${data.name}: ${data.train.count} train, ${data.test.count} test images of ${data.shape.join('×')}`);
  const params = new ParamStore(rng.fork('weights'));
  const forward = buildConvnet(params, { params, affine: true, rng: rng.fork('ops') }, data.shape[2], config.channels, data.classes);
  const batches = new BatchIterator(data.train, data.shape, data.normalization, {
    batchSize: config.batchSize,
    rng: rng.fork('batches'),
    augment: config.dataset.augment,
  });
  // The project's optimizer rather than tf.train.momentum, which keeps one tensor past its dispose().
  const optimizer = new SgdMomentum(config.momentum, 0);
  const weights = params.list();
  let step = 0;

  const strategy: SearchStrategy = {
    totalSteps: config.steps,
    async step() {
      const batch = batches.next();
      const epoch = step / batches.batchesPerEpoch;
      let correct: tf.Scalar | null = null;
      const { value: loss, grads } = tf.variableGrads(() => {
        const logits = forward(batch.x);
        correct = tf.keep(correctCount(logits, batch.y));
        return crossEntropy(logits, batch.y);
      }, weights);
      // Outside any tidy: the optimizer's momentum buffers must outlive this step.
      optimizer.step(weights, gradsInOrder(weights, grads), config.learningRate);
      tf.dispose(grads);
      const [lossValue] = await loss.data();
      const [correctValue] = await correct!.data();
      tf.dispose([loss, correct!, batch.x, batch.y]);
      step += 1;
      reporter.metrics([
        { step, epoch, key: 'train.loss', value: lossValue },
        { step, epoch, key: 'train.acc', value: correctValue / batch.y.shape[0] },
      ]);
      if (!Number.isFinite(lossValue)) throw new Error(`the training loss became ${lossValue} at step ${step}: lower learningRate`);
      if (step % config.evalEvery === 0 || step === config.steps) {
        const score = await scoreBatches(forward, orderedBatches(data.test, data.shape, data.normalization, EVAL_BATCH));
        reporter.metrics([
          { step, epoch, key: 'test.loss', value: score.loss },
          { step, epoch, key: 'test.acc', value: score.acc },
        ]);
      }
      reporter.progress(step, config.steps);
      return { done: step >= config.steps, epochEnd: step % batches.batchesPerEpoch === 0 };
    },
    genotype: () => null,
    saveState(out) {
      out.json('step', step);
      params.saveState(out.scope('weights'));
      optimizer.saveState(out.scope('sgd'), weights);
      batches.saveState(out.scope('batches'));
    },
    loadState(from) {
      step = from.json<number>('step');
      params.loadState(from.scope('weights'));
      optimizer.loadState(from.scope('sgd'), weights);
      batches.loadState(from.scope('batches'));
    },
    dispose() {
      optimizer.dispose();
      params.dispose();
    },
  };
  return strategy;
};
