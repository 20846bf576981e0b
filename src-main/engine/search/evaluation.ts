import * as tf from '@tensorflow/tfjs';
import { resolveEvaluation, type EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { BatchIterator, orderedBatches, type Batch } from '../data/batches';
import { loadDataset } from '../data/datasets';
import { buildEvaluationNetwork } from '../evaluate/build';
import { measureComplexity } from '../evaluate/complexity';
import { dataParallelGradients, DataParallelReplica } from '../evaluate/data-parallel';
import { lossAndGradients } from '../evaluate/replica-step';
import { scoreNetwork } from '../evaluate/score';
import { predictionReport } from '../evaluate/predictions';
import { saveTrainedNetwork } from '../evaluate/trained-weights';
import { clipScale, cosineLearningRate, globalNorm, SgdMomentum } from '../optim/optimizers';
import { createQueuedEvaluationStrategy } from '../../queue/seed-strategy';
import type { SearchStrategy, StrategyFactory } from './strategy';

/** Classes from which the report also gives top-5 accuracy (ImageNet's and CIFAR-100's convention). */
const TOP5_FROM_CLASSES = 100;

/**
 * Trains a genotype from scratch (DARTS's train.py; NAS-Bench-201's recipe for its cells): one
 * step is one batch; per epoch the learning rate follows the cosine schedule and the drop-path
 * probability grows linearly (dropPathProb · epoch / epochs, as train.py sets it at each epoch's
 * start); the loss is the classifier's cross-entropy plus auxiliaryWeight times the auxiliary
 * head's; gradients are clipped to gradClip; SGD with momentum (Nesterov for NAS-Bench-201) and
 * weight decay on every weight. At each epoch's end the test set is scored in evaluation mode.
 * With `training.dataParallel` 2 a second engine in a worker thread computes half of each batch
 * (DataParallelReplica; docs/evaluation.md, "Both cores").
 *
 * Reports, per epoch (step = the global batch count): `train.loss`, `train.acc` (means over the
 * epoch's batches, training mode), `test.loss`, `test.acc` (and `test.top5` for ≥ 100 classes),
 * `lr`, `drop_path_prob`, `epoch.seconds`. Artifacts: `evaluation.network` at the start (recipe,
 * dataset, params, auxParams, multiplyAdds) and `evaluation.report` at the end (top1, top5 when ≥ 100
 * classes, params, multiplyAdds, epochs, trainSeconds, the genotype) and, when the run has a folder,
 * `evaluation.weights` (the trained network saved as `<outputDir>/weights.safetensors`).
 */
export const createEvaluationStrategy: StrategyFactory<EvaluationConfig> = async (ctx) => {
  // With a queue, a worker trains with this same code (docs/queue.md, "Evaluation-run seeds").
  if (ctx.config.queue) return createQueuedEvaluationStrategy(ctx);
  const { config, rng, reporter, resourcesDir, outputDir } = ctx;
  const { training, dataset } = resolveEvaluation(config);
  const data = await loadDataset(dataset, resourcesDir, rng.fork('dataset'));
  const [height, width, channels] = data.shape;
  const input = { height, width, channels, classes: data.classes };
  const size = { channels: training.channels, layers: training.layers, network: training.network, auxiliary: training.auxiliaryWeight > 0, recompute: training.recompute };
  const networkRng = rng.fork('network');
  const net = buildEvaluationNetwork(config.genotype, input, size, networkRng);
  let optimizer: SgdMomentum | null = null;
  let replica: DataParallelReplica | null = null;
  try {
    if (training.dataParallel === 2) {
      replica = await DataParallelReplica.start({ genotype: config.genotype, input, size, seed: networkRng.seed }, net.trainableVariables());
    }
    const complexity = await measureComplexity(net);
    const top5 = data.classes >= TOP5_FROM_CLASSES;
    reporter.log(
      'info',
      `evaluation network: ${complexity.params} parameters (${complexity.auxParams} more in the auxiliary head), ${(complexity.multiplyAdds / 1e6).toFixed(1)} M multiply-adds; ` +
        `${data.train.count} train, ${data.test.count} test images of ${data.shape.join('×')}`,
    );
    reporter.artifact('evaluation.network', 0, { preset: config.preset, training, dataset: { ...dataset, name: data.name }, ...complexity });
    const batches = new BatchIterator(data.train, data.shape, data.normalization, { batchSize: training.batchSize, rng: rng.fork('batches'), augment: dataset.augment });
    const sgd = (optimizer = new SgdMomentum(training.momentum, training.weightDecay, training.nesterov));
    const weights = net.trainableVariables();
    const perEpoch = batches.batchesPerEpoch;
    const totalSteps = training.epochs * perEpoch;
    let step = 0;
    let epochSums = { loss: 0, correct: 0, count: 0 };
    let epochStart = Date.now();
    let trainSeconds = 0;

    // The trained network, beside the run's checkpoints; a failed write is a warning: the run's result stands.
    const saveWeights = (dir: string, steps: number): void => {
      try {
        const info = { preset: config.preset, seed: config.seed, training, dataset, input: net.input, normalization: data.normalization, steps };
        reporter.artifact('evaluation.weights', steps, saveTrainedNetwork(dir, net, config.genotype, info));
      } catch (error) {
        reporter.log('warn', `the trained network was not saved: ${(error as Error).message}`);
      }
    };

    const trainStep = async (batch: Batch, lr: number, dropPathProb: number): Promise<{ loss: number; correct: number }> => {
      const options = { dropPathProb, auxiliaryWeight: training.auxiliaryWeight };
      const { loss, correct, grads } = replica
        ? await dataParallelGradients(net, weights, replica, batch, options)
        : lossAndGradients(net, weights, batch.x, batch.y, options);
      sgd.step(weights, grads, lr, training.gradClip > 0 ? clipScale(globalNorm(grads), training.gradClip) : 1);
      tf.dispose(grads);
      return { loss, correct };
    };

    const strategy: SearchStrategy = {
      totalSteps,
      async step() {
        if (step >= totalSteps) return { done: true };
        const epoch = Math.floor(step / perEpoch);
        const lr = cosineLearningRate(epoch, training.epochs, training.learningRate, training.learningRateMin);
        const dropPathProb = (training.dropPathProb * epoch) / training.epochs;
        const batch = batches.next();
        try {
          const { loss, correct } = await trainStep(batch, lr, dropPathProb);
          if (!Number.isFinite(loss)) throw new Error(`the training loss became ${loss} at step ${step + 1}: lower learningRate`);
          epochSums = { loss: epochSums.loss + loss * batch.y.shape[0], correct: epochSums.correct + correct, count: epochSums.count + batch.y.shape[0] };
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        step++;
        if (step % perEpoch === 0) {
          const seconds = (Date.now() - epochStart) / 1000;
          trainSeconds += seconds;
          const last = step === totalSteps;
          const test = await scoreNetwork(net, orderedBatches(data.test, data.shape, data.normalization, config.testBatchSize), top5, last);
          const at = { step, epoch: epoch + 1 };
          const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
          reporter.metrics([
            point('train.loss', epochSums.loss / epochSums.count),
            point('train.acc', epochSums.correct / epochSums.count),
            point('test.loss', test.loss),
            point('test.acc', test.acc),
            ...(test.top5 !== undefined ? [point('test.top5', test.top5)] : []),
            point('lr', lr),
            point('drop_path_prob', dropPathProb),
            point('epoch.seconds', seconds),
          ]);
          epochSums = { loss: 0, correct: 0, count: 0 };
          if (last) {
            reporter.artifact('evaluation.predictions', step, predictionReport(data.test, data.shape, data.classNames, test.predictions!));
            reporter.artifact('evaluation.report', step, {
              top1: test.acc,
              ...(test.top5 !== undefined ? { top5: test.top5 } : {}),
              testLoss: test.loss,
              testImages: test.count,
              params: complexity.params,
              multiplyAdds: complexity.multiplyAdds,
              epochs: training.epochs,
              trainSeconds,
              genotype: config.genotype,
            });
            reporter.log('info', `test accuracy ${(100 * test.acc).toFixed(2)} % after ${training.epochs} epochs (${trainSeconds.toFixed(0)} s of training)`);
            if (outputDir) saveWeights(outputDir, step);
          }
          epochStart = Date.now();
        }
        reporter.progress(step, totalSteps);
        return { done: step >= totalSteps, epochEnd: step % perEpoch === 0 };
      },
      // The cell is this run's input, not an answer it found.
      genotype: () => null,
      saveState(out) {
        out.json('progress', { step, epochSums, trainSeconds });
        net.saveState(out.scope('network'));
        sgd.saveState(out.scope('sgd'), weights);
        batches.saveState(out.scope('batches'));
      },
      loadState(from) {
        ({ step, epochSums, trainSeconds } = from.json<{ step: number; epochSums: typeof epochSums; trainSeconds: number }>('progress'));
        net.loadState(from.scope('network'));
        sgd.loadState(from.scope('sgd'), weights);
        batches.loadState(from.scope('batches'));
        epochStart = Date.now();
      },
      dispose() {
        replica?.dispose();
        sgd.dispose();
        net.dispose();
      },
    };
    return strategy;
  } catch (err) {
    replica?.dispose();
    optimizer?.dispose();
    net.dispose();
    throw err;
  }
};
