import * as tf from '@tensorflow/tfjs';

/**
 * The binary activation codes of a forward pass: for every ReLU unit, whether it fired (its input
 * > 0) for each image. `layers[l]` holds layer l's codes packed 32 units a word, `rows` images ×
 * `words[l]` words, row-major; `units` counts all units of all layers.
 */
export interface ReluCodes {
  rows: number;
  units: number;
  layers: Uint32Array[];
  words: number[];
}

/**
 * Runs `forward` with every ReLU kernel of the active backend tapped, as the authors hook every
 * nn.ReLU module: each 4-D ReLU output with `rows` images is read back and packed (the batch norms'
 * 1-D variance clamp and anything of another batch size are not units). The original kernel is
 * put back whatever happens; the values computed are unchanged.
 */
export function collectReluCodes(rows: number, forward: () => void): ReluCodes {
  const backendName = tf.getBackend();
  const original = tf.getKernel('Relu', backendName);
  if (!original) throw new Error(`the ${backendName} backend has no Relu kernel to observe`);
  const codes: ReluCodes = { rows, units: 0, layers: [], words: [] };
  tf.unregisterKernel('Relu', backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const out = original.kernelFunc(args) as tf.TensorInfo;
      if (out.shape.length === 4 && out.shape[0] === rows) {
        const values = (args.backend as tf.KernelBackend).readSync(out.dataId) as Float32Array;
        const perRow = values.length / rows;
        const words = Math.ceil(perRow / 32);
        const packed = new Uint32Array(rows * words);
        for (let r = 0; r < rows; r++) {
          for (let u = 0; u < perRow; u++) if (values[r * perRow + u] > 0) packed[r * words + (u >>> 5)] |= 1 << (u & 31);
        }
        codes.layers.push(packed);
        codes.words.push(words);
        codes.units += perRow;
      }
      return out;
    },
  });
  try {
    forward();
  } finally {
    tf.unregisterKernel('Relu', backendName);
    tf.registerKernel(original);
  }
  return codes;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance between rows i and j over all units. */
export function hamming(codes: ReluCodes, i: number, j: number): number {
  let d = 0;
  codes.layers.forEach((layer, l) => {
    const w = codes.words[l];
    for (let k = 0; k < w; k++) d += popcount(layer[i * w + k] ^ layer[j * w + k]);
  });
  return d;
}

/** Row r's whole code as a string key (for counting distinct codes). */
export function codeKey(codes: ReluCodes, r: number): string {
  return codes.layers.map((layer, l) => Array.from(layer.subarray(r * codes.words[l], (r + 1) * codes.words[l]), (w) => w.toString(36)).join(',')).join('|');
}
