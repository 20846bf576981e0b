import { firstPresent, missingFilesError, readMaybeGzipped } from './files';
import type { Split } from './types';

/**
 * The IDX format of MNIST and Fashion-MNIST: two zero bytes, a type byte (0x08 = unsigned byte),
 * the number of dimensions, then each dimension as a big-endian uint32, then the data.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses IDX bytes; `file` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number): IdxArray {
  if (bytes.length < 4) throw new Error(`${file} is not an IDX file: it has only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${file} is not an IDX file: its magic number starts ${bytes[0]}, ${bytes[1]} instead of 0, 0`);
  }
  if (bytes[2] !== UBYTE) throw new Error(`${file} holds IDX type 0x${bytes[2].toString(16)}; only unsigned bytes (0x08) are read`);
  if (bytes[3] !== expectedDims) {
    const kind = expectedDims === 3 ? 'an images (idx3)' : 'a labels (idx1)';
    throw new Error(`${file} has ${bytes[3]} dimensions (magic 0x0000080${bytes[3]}); expected ${kind} file with ${expectedDims}`);
  }
  const header = 4 + 4 * expectedDims;
  if (bytes.length < header) throw new Error(`${file} is truncated: its header needs ${header} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new Error(`${file} has ${bytes.length - header} data bytes, but its header (${dims.join('×')}) announces ${size}`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** IDX bytes (uncompressed) for a ubyte array of the given dimensions. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`encodeIdx: ${data.length} bytes do not fill ${dims.join('×')}`);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export async function readIdxImages(file: string): Promise<{ count: number; height: number; width: number; pixels: Uint8Array }> {
  const { dims, data } = parseIdx(await readMaybeGzipped(file), file, 3);
  return { count: dims[0], height: dims[1], width: dims[2], pixels: data };
}

export async function readIdxLabels(file: string, classes: number): Promise<Uint8Array> {
  const { data } = parseIdx(await readMaybeGzipped(file), file, 1);
  const bad = data.findIndex((l) => l >= classes);
  if (bad >= 0) throw new Error(`${file}: label ${data[bad]} at index ${bad} is outside 0..${classes - 1}`);
  return data;
}

/** Standard names; each is also accepted gzipped and with MNIST mirrors' `.idx3-ubyte` spelling. */
export const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const variants = (name: string): string[] => {
  const dotted = name.replace(/-(idx\d)/, '.$1');
  return [`${name}.gz`, name, `${dotted}.gz`, dotted];
};

async function readSplit(imagesFile: string, labelsFile: string, classes: number): Promise<Split & { height: number; width: number }> {
  const images = await readIdxImages(imagesFile);
  const labels = await readIdxLabels(labelsFile, classes);
  if (labels.length !== images.count) {
    throw new Error(`${labelsFile} has ${labels.length} labels but ${imagesFile} has ${images.count} images`);
  }
  return { images: images.pixels, labels, count: images.count, height: images.height, width: images.width };
}

/** Reads MNIST or Fashion-MNIST (train and t10k) from a folder; `dataset` names it in errors. */
export async function readIdxFolder(
  dir: string,
  dataset: string,
  classes = 10,
): Promise<{ height: number; width: number; train: Split; test: Split }> {
  const found = await Promise.all(Object.values(IDX_NAMES).map((name) => firstPresent(dir, variants(name))));
  if (found.some((f) => f === null)) {
    throw missingFilesError(dataset, dir, Object.values(IDX_NAMES).map((n) => `${n}(.gz)`));
  }
  const [trainImages, trainLabels, testImages, testLabels] = found as string[];
  const train = await readSplit(trainImages, trainLabels, classes);
  const test = await readSplit(testImages, testLabels, classes);
  if (train.height !== test.height || train.width !== test.width) {
    throw new Error(`${dir}: train images are ${train.height}×${train.width} but test images are ${test.height}×${test.width}`);
  }
  const strip = ({ images, labels, count }: Split): Split => ({ images, labels, count });
  return { height: train.height, width: train.width, train: strip(train), test: strip(test) };
}
