// Mends one quadratic loop in tfjs-core 4.22 at install time (docs/performance.md, "Time outside
// the kernels"). `getFilteredNodesXToY`, run once per tf.variableGrads, wraps a lookup that does
// not depend on j in `for (j < xs.length)`: for every tape input that is not from the weights it
// repeats the same failed lookup once per weight (2 700 inputs × 889 weights ≈ 60 ms per reference
// step). The loop body runs at most once (it breaks on success), so `if (xs.length > 0)` computes
// the same thing. Idempotent; never fails the install: if tfjs changed, it says so and leaves it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MARKER = '/* nas-workbench: loop over xs removed, see scripts/patch-tfjs.mjs */';
const LOOP = /for \((?:var|let) j = 0; j < xs\.length; j\+\+\) \{(\s*)if \(tensorsFromX\[input\.id\]\) \{/;

const files = [
  'node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
  'node_modules/@tensorflow/tfjs-core/dist/tf-core.js',
  'node_modules/@tensorflow/tfjs-core/dist/tf-core.fesm.js',
  'node_modules/@tensorflow/tfjs-core/dist/tf-core.es2017.js',
  'node_modules/@tensorflow/tfjs-core/dist/tape.js',
  'node_modules/@tensorflow/tfjs/dist/tf.node.js',
];

let patched = 0;
for (const file of files) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, 'utf8');
  if (text.includes(MARKER)) continue;
  if (!LOOP.test(text)) {
    console.log(`patch-tfjs: ${file} has no such loop (another tfjs version?); left as it is`);
    continue;
  }
  writeFileSync(path, text.replace(LOOP, (_, space) => `if (xs.length > 0) { ${MARKER}${space}if (tensorsFromX[input.id]) {`));
  patched++;
}
console.log(`patch-tfjs: getFilteredNodesXToY mended in ${patched} file(s)`);
