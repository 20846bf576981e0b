/**
 * Copies the NAS-Bench-201 tables from SOURCE_DIR (the project's shared data folder's nb201/) into resources/nb201/, checking each
 * with the app's own loader first. The files are about 2.6 MB each, so they are copied byte for
 * byte (no compact form needed) and their SHA-256 written to resources/nb201/PROVENANCE.md.
 *   npx tsx scripts/copy-nb201.ts SOURCE_DIR
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NB201_DATASETS, loadNb201 } from '../src-main/engine/benchmarks/nb201';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv[2]) {
  console.error('usage: npx tsx scripts/copy-nb201.ts SOURCE_DIR   (the folder holding cifar10.json, cifar100.json, imagenet16-120.json)');
  process.exit(2);
}
const source = resolve(process.argv[2]);
const target = join(root, 'resources', 'nb201');
mkdirSync(target, { recursive: true });

const rows: string[] = [];
for (const dataset of NB201_DATASETS) {
  const table = loadNb201(source, dataset);
  const from = join(source, `${dataset}.json`);
  copyFileSync(from, join(target, `${dataset}.json`));
  // The source folder is read-only and copyFileSync keeps its mode; the copy must stay rewritable.
  chmodSync(join(target, `${dataset}.json`), 0o644);
  const bytes = readFileSync(from);
  const sha = createHash('sha256').update(bytes).digest('hex');
  rows.push(`| ${dataset}.json | ${table.cells.size} | ${bytes.length} | \`${sha}\` |`);
  console.log(`${dataset}: ${table.cells.size} cells, ${bytes.length} bytes, sha256 ${sha}`);
}

writeFileSync(
  join(target, 'PROVENANCE.md'),
  `# NAS-Bench-201 tables

Derived from the NAS-Bench-201 / NATS-Bench topology search space benchmark (Dong and Yang, ICLR
2020; Dong et al., TPAMI 2021), released under the MIT licence, as committed in the public
repository milkmilk511/LAPT; taken from the project's shared data folder (see the shared data notes
of the workbench). Copied unchanged by \`scripts/copy-nb201.ts\`, which first validates every file with
\`src-main/engine/benchmarks/nb201.ts\` (15,625 cells; CIFAR-10 best test 94.37, mean test 87.06, best
validation 91.61; CIFAR-100 best test 73.51, best validation 73.49; ImageNet16-120 best test 47.31).

Format: one JSON object keyed by the NB201 arch string \`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|\`; values
\`val_acc_200\` (validation accuracy after 200 epochs, %), \`test_acc_200\` (test accuracy, %), \`rank\`
(1 = best test accuracy).

| file | cells | bytes | sha256 |
|---|---|---|---|
${rows.join('\n')}
`,
);
