import type * as tf from '@tensorflow/tfjs';
import type { CellWeights, Supernet } from './types';

/**
 * A supernet that reads everything from another one, `inner`: its weights, α, space and noise
 * draws. A method that changes one thing about a network (few-shot NAS fixes an edge's op, DrNAS's
 * progressive stages swap the network) extends this and overrides only that.
 */
export class DelegatingSupernet implements Supernet {
  constructor(protected inner: Supernet) {}

  get space() {
    return this.inner.space;
  }

  get params() {
    return this.inner.params;
  }

  get arch() {
    return this.inner.arch;
  }

  get numClasses() {
    return this.inner.numClasses;
  }

  get noise() {
    return this.inner.noise;
  }

  forward(x: tf.Tensor4D, weights: CellWeights): tf.Tensor2D {
    return this.inner.forward(x, weights);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
