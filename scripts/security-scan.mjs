// Electronegativity over the desktop app's sources, offline, in CI (`npm run security`).
// Every finding must be listed in docs/security.md's "Electronegativity findings" section as
// "- `CHECK_ID` in `path`: why"; a finding not listed, or a listed one that no longer occurs, fails.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** What runs in or shapes the Electron app: main and preload, their decisions, the page and its CSP, the Electron version. */
const SCANNED = ['src-main/electron', 'src-main/desktop', 'src-renderer/index.html', 'package.json'];
/**
 * AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK downloads Electron's release list; CI runs offline, and
 * which Electron release we ship is decided when dependencies are updated (docs/security.md).
 */
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];
const DOC = 'docs/security.md';

const require = createRequire(join(ROOT, 'package.json'));
const pkgDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));

// The tool fetches translations from the network at every start (one-second timeout); its bundled
// en-US strings are all it needs, so its i18n module is replaced by one that only reads those.
const i18nModule = join(pkgDir, 'dist/locales/i18n.js');
// The same i18n instance the tool's modules use (resolved from its own folder).
const i18n = createRequire(join(pkgDir, 'package.json'))('i18n');
require.cache[i18nModule] = {
  id: i18nModule,
  filename: i18nModule,
  loaded: true,
  exports: async function offlineI18n() {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: dirname(i18nModule), updateFiles: false, objectNotation: true, register: globalThis });
    i18n.setLocale('en-US');
  },
};
const run = require(join(pkgDir, 'dist/runner.js'));

function explained() {
  const text = readFileSync(join(ROOT, DOC), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Electronegativity findings'));
  if (!section) throw new Error(`${DOC} has no "## Electronegativity findings" section`);
  return new Set([...section.matchAll(/^- `([A-Z0-9_]+)` in `([^`]+)`:/gm)].map((m) => `${m[1]} ${m[2]}`));
}

const scanDir = mkdtempSync(join(tmpdir(), 'nas-electronegativity-'));
let failed = false;
try {
  for (const p of SCANNED) cpSync(join(ROOT, p), join(scanDir, p), { recursive: true });
  const started = Date.now();
  const result = await run({ input: scanDir, customScan: [], excludeFromScan: EXCLUDED.map((c) => c.toLowerCase()), parserPlugins: [] }, false);
  for (const e of result.errors) {
    console.error(`electronegativity: ${e.tolerable ? 'warning' : 'error'} parsing ${relative(scanDir, e.file)}: ${e.message}`);
    if (!e.tolerable) failed = true;
  }
  const listed = explained();
  const found = new Map();
  for (const issue of result.issues) {
    const key = `${issue.id} ${relative(scanDir, issue.file)}`;
    const where = `${relative(scanDir, issue.file)}:${issue.location.line}:${issue.location.column}`;
    found.set(key, [...(found.get(key) ?? []), `${where} ${issue.severity.name}/${issue.confidence.name}${issue.manualReview ? ' (review)' : ''}: ${issue.description}`]);
  }
  for (const [key, places] of found) {
    const ok = listed.has(key);
    if (!ok) failed = true;
    console.log(`${ok ? 'explained  ' : 'UNEXPLAINED'} ${key.replace(' ', ' in ')}\n    ${places.join('\n    ')}`);
  }
  for (const key of listed) {
    if (!found.has(key)) {
      failed = true;
      console.log(`STALE       ${key.replace(' ', ' in ')}: listed in ${DOC} but no longer found; remove it from the doc`);
    }
  }
  console.log(
    `electronegativity: ${result.globalChecks} global + ${result.atomicChecks} atomic checks over ${SCANNED.join(', ')} in ${Date.now() - started} ms: ` +
      `${found.size} finding kinds, ${[...found.keys()].filter((k) => !listed.has(k)).length} unexplained`,
  );
  if (failed) console.error(`electronegativity: fix each UNEXPLAINED finding or explain it in ${DOC} ("- \`CHECK_ID\` in \`path\`: why"), and drop STALE entries`);
} finally {
  rmSync(scanDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
