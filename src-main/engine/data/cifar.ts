import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstPresent, missingFilesError, readMaybeGzipped } from './files';
import type { Split } from './types';

/**
 * CIFAR binary version (https://www.cs.toronto.edu/~kriz/cifar.html): records of label byte(s)
 * then 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each 32×32 row-major (CHW).
 * CIFAR-10 has one label byte; CIFAR-100 a coarse then a fine label byte (we use the fine one).
 */
export type CifarVariant = 'cifar10' | 'cifar100';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

export const CIFAR_LAYOUT = {
  cifar10: {
    labelBytes: 1,
    classes: 10,
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    /** The folder the official archive unpacks to; accepted as a subfolder of the chosen one. */
    subfolder: 'cifar-10-batches-bin',
  },
  cifar100: { labelBytes: 2, classes: 100, train: ['train.bin'], test: ['test.bin'], subfolder: 'cifar-100-binary' },
} as const;

/** Parses one binary batch into NHWC images and labels; `file` only names the source in errors. */
export function parseCifarBatch(bytes: Uint8Array, file: string, variant: CifarVariant): Split {
  const { labelBytes, classes } = CIFAR_LAYOUT[variant];
  const record = labelBytes + PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new Error(`${file} is not a ${variant} binary batch: ${bytes.length} bytes is not a multiple of the ${record}-byte record`);
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const base = n * record;
    const label = bytes[base + labelBytes - 1];
    if (label >= classes) throw new Error(`${file}: record ${n} has label ${label}, outside 0..${classes - 1}`);
    labels[n] = label;
    const src = base + labelBytes;
    const dst = n * PIXELS;
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = bytes[src + p];
      images[dst + 3 * p + 1] = bytes[src + PLANE + p];
      images[dst + 3 * p + 2] = bytes[src + 2 * PLANE + p];
    }
  }
  return { images, labels, count };
}

function concat(parts: Split[]): Split {
  const count = parts.reduce((s, p) => s + p.count, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * PIXELS);
    labels.set(p.labels, at);
    at += p.count;
  }
  return { images, labels, count };
}

async function readFiles(dir: string, names: readonly string[], variant: CifarVariant): Promise<Split> {
  const parts: Split[] = [];
  for (const name of names) {
    const file = join(dir, name);
    parts.push(parseCifarBatch(await readMaybeGzipped(file), file, variant));
  }
  return concat(parts);
}

/** The folder holding the batches: `dir` itself or the archive's own subfolder inside it. */
async function locate(dir: string, variant: CifarVariant): Promise<string> {
  const layout = CIFAR_LAYOUT[variant];
  for (const candidate of [dir, join(dir, layout.subfolder)]) {
    if (await firstPresent(candidate, [layout.test[0]])) return candidate;
  }
  throw missingFilesError(variant, dir, [...layout.train, ...layout.test]);
}

export async function readCifarFolder(dir: string, variant: CifarVariant): Promise<{ train: Split; test: Split; classNames: string[] }> {
  const layout = CIFAR_LAYOUT[variant];
  const folder = await locate(dir, variant);
  const missing = [];
  for (const name of [...layout.train, ...layout.test]) if (!(await firstPresent(folder, [name]))) missing.push(name);
  if (missing.length > 0) throw missingFilesError(variant, folder, [...layout.train, ...layout.test]);
  return {
    train: await readFiles(folder, layout.train, variant),
    test: await readFiles(folder, layout.test, variant),
    classNames: await readClassNames(folder, variant),
  };
}

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** CIFAR-100's archive ships its fine label names as text; numbered classes when that file is absent. */
async function readClassNames(folder: string, variant: CifarVariant): Promise<string[]> {
  if (variant === 'cifar10') return CIFAR10_NAMES;
  const file = join(folder, 'fine_label_names.txt');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(cause as Error).message}`, { cause });
    return Array.from({ length: 100 }, (_, i) => `class ${i}`);
  }
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 100) throw new Error(`${file} lists ${names.length} names; CIFAR-100 has 100 fine labels`);
  return names;
}
