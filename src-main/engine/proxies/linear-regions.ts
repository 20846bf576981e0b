import * as tf from '@tensorflow/tfjs';
import { codeKey, collectReluCodes } from './relu-codes';
import type { ProxyFunction } from './types';

/** TE-NAS forwards its 3,000 samples as 3 batches of 1,000 (Linear_Region_Collector, sample_batch=3). */
export const LINEAR_REGION_CHUNK = 1000;

/**
 * TE-NAS's number of linear regions (Chen et al., ICLR 2021; lib/procedures/linear_region_counter.py):
 * the images are forwarded in chunks of 1,000 (training mode, no gradient), each image's code is the
 * sign pattern of every ReLU unit, and the score is the number of distinct codes, which is what the
 * authors' Σ_i 1/#{j : code_j = code_i} computes.
 */
export const linearRegions: ProxyFunction = (network, batch) => {
  const n = batch.images.shape[0];
  const distinct = new Set<string>();
  for (let start = 0; start < n; start += LINEAR_REGION_CHUNK) {
    const size = Math.min(LINEAR_REGION_CHUNK, n - start);
    const codes = collectReluCodes(size, () =>
      tf.tidy(() => void network.forward(tf.slice(batch.images, [start, 0, 0, 0], [size, -1, -1, -1]), { training: true, dropPathProb: 0 })),
    );
    for (let r = 0; r < size; r++) distinct.add(codeKey(codes, r));
  }
  return distinct.size;
};
