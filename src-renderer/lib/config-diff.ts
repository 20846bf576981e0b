/**
 * What differs between runs' configurations. A config is flattened to dotted paths of leaves
 * (`space.layers`, `evaluator.kind`; an array is one leaf, shown as JSON), each value written as
 * JSON so 1 and "1" stay apart.
 */
export type ConfiguredRun = { id: number; algorithm: string; seed: number; config: unknown };
export type ConfigDiffRow = { path: string; values: (string | undefined)[] };

export function flattenConfig(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

/** A run's settings as compared: its algorithm, its config's leaves, and its seed (the run's, when the config has none). */
export function runSettings(run: ConfiguredRun): Record<string, string> {
  return { algorithm: JSON.stringify(run.algorithm), ...flattenConfig(run.config), seed: JSON.stringify(run.seed) };
}

/** The paths whose values are not all the same across `runs` (a path some runs lack counts), sorted; seed last. */
export function configDiff(runs: readonly ConfiguredRun[]): ConfigDiffRow[] {
  const settings = runs.map(runSettings);
  const paths = [...new Set(settings.flatMap((s) => Object.keys(s)))];
  return paths
    .map((path) => ({ path, values: settings.map((s) => s[path]) }))
    .filter((row) => row.values.some((v) => v !== row.values[0]))
    .sort((a, b) => Number(a.path === 'seed') - Number(b.path === 'seed') || a.path.localeCompare(b.path));
}
