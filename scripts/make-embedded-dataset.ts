/**
 * Writes the app's embedded dataset: a class-balanced, seeded subset of Fashion-MNIST (600 training
 * and 100 test images per class) as gzipped IDX files in resources/fashion-mnist-sample/, with
 * PROVENANCE.md and LICENSE. Source: Debian's dataset-fashion-mnist package.
 *
 *   tsx scripts/make-embedded-dataset.ts [sourceDir] [outDir]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng } from '../src-shared/model/rng';
import { encodeIdx, IDX_NAMES, readIdxFolder } from '../src-main/engine/data/idx';
import type { Split } from '../src-main/engine/data/types';

const SOURCE = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const OUT = resolve(process.argv[3] ?? join(import.meta.dirname, '..', 'resources', 'fashion-mnist-sample'));
const SEED = 20_240_601;
const PER_CLASS = { train: 600, test: 100 };
const CLASSES = 10;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** `perClass` indices of each label, drawn without replacement, merged back into file order. */
function balancedIndices(labels: Uint8Array, perClass: number, rng: Rng): number[] {
  const chosen: number[] = [];
  for (let label = 0; label < CLASSES; label++) {
    const ofClass: number[] = [];
    labels.forEach((l, i) => {
      if (l === label) ofClass.push(i);
    });
    if (ofClass.length < perClass) throw new Error(`class ${label} has ${ofClass.length} images, fewer than ${perClass}`);
    chosen.push(...rng.shuffle(ofClass).slice(0, perClass));
  }
  return chosen.sort((a, b) => a - b);
}

function take(split: Split, indices: number[]): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    images.set(split.images.subarray(src * PIXELS, (src + 1) * PIXELS), dst * PIXELS);
    labels[dst] = split.labels[src];
  });
  return { images, labels };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function packageVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dataset-fashion-mnist'], { encoding: 'utf8' }).trim();
  } catch (cause) {
    throw new Error('dpkg-query cannot tell the version of dataset-fashion-mnist; install it (apt-get install dataset-fashion-mnist)', { cause });
  }
}

const LICENSE = `The MIT License (MIT)

Copyright © 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the “Software”), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

async function main(): Promise<void> {
  const version = packageVersion();
  const source = await readIdxFolder(SOURCE, 'Fashion-MNIST');
  if (source.height !== SIDE || source.width !== SIDE) throw new Error(`expected 28×28 images, found ${source.height}×${source.width}`);
  const rng = new Rng(SEED);
  const parts = {
    train: take(source.train, balancedIndices(source.train.labels, PER_CLASS.train, rng.fork('train'))),
    test: take(source.test, balancedIndices(source.test.labels, PER_CLASS.test, rng.fork('test'))),
  };

  mkdirSync(OUT, { recursive: true });
  const written: { name: string; sha: string; bytes: number }[] = [];
  const write = (name: string, dims: number[], data: Uint8Array) => {
    // zlib writes no name and a zero mtime in the gzip header, so the output is byte-reproducible.
    const gz = gzipSync(encodeIdx(dims, data), { level: 9 });
    writeFileSync(join(OUT, `${name}.gz`), gz);
    written.push({ name: `${name}.gz`, sha: sha256(gz), bytes: gz.length });
  };
  const trainCount = parts.train.labels.length;
  const testCount = parts.test.labels.length;
  write(IDX_NAMES.trainImages, [trainCount, SIDE, SIDE], parts.train.images);
  write(IDX_NAMES.trainLabels, [trainCount], parts.train.labels);
  write(IDX_NAMES.testImages, [testCount, SIDE, SIDE], parts.test.images);
  write(IDX_NAMES.testLabels, [testCount], parts.test.labels);

  const sourceFiles = Object.values(IDX_NAMES).map((n) => {
    const file = join(SOURCE, `${n}.gz`);
    return `| \`${file}\` | ${sha256(readFileSync(file))} |`;
  });
  writeFileSync(join(OUT, 'LICENSE'), LICENSE);
  writeFileSync(
    join(OUT, 'PROVENANCE.md'),
    `# Embedded Fashion-MNIST sample

Generated by \`scripts/make-embedded-dataset.ts\`; do not edit by hand, re-run the script.

- Dataset: Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist),
  MIT license, © 2017 Zalando SE (see LICENSE and \`/usr/share/doc/dataset-fashion-mnist/copyright\`).
- Source package: Debian \`dataset-fashion-mnist\` ${version}, files in \`${SOURCE}\`:

| source file | sha256 |
|---|---|
${sourceFiles.join('\n')}

- Selection rule: per class, ${PER_CLASS.train} training images drawn without replacement from the
  60,000 training images and ${PER_CLASS.test} test images from the 10,000 test images (Fisher-Yates
  shuffle of the class's indices with the project's \`Rng\`, seed ${SEED}, forks \`train\` and \`test\`;
  first ${PER_CLASS.train} / ${PER_CLASS.test} taken), kept in the source files' order. Pixels and labels unchanged.
- Counts: ${trainCount} training images (${PER_CLASS.train} per class), ${testCount} test images (${PER_CLASS.test} per class), 28×28, 10 classes.
- Format: IDX (idx3 images, idx1 labels), gzipped.

| written file | bytes | sha256 |
|---|---|---|
${written.map((w) => `| ${w.name} | ${w.bytes} | ${w.sha} |`).join('\n')}
`,
  );
  console.log(`wrote ${written.map((w) => w.name).join(', ')} to ${OUT} (${basename(SOURCE)}: ${trainCount} train, ${testCount} test)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
