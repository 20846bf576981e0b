import { createHash } from 'node:crypto';
import { presetRecipe, EVALUATION_PRESETS } from '../../src-shared/model/algorithms/evaluation';

/**
 * What the experiment browser filters, sorts and groups on that lives inside a run's config JSON,
 * read once when the run is created (and by the migration for older runs) instead of parsing the
 * JSON of every row on every query.
 */
export interface RunFacts {
  /** Cell search space: 'darts' | 'nb201' | a custom space's kind; null for a fixed network (train). */
  space: string | null;
  /** Dataset name the run trains or looks up on. */
  dataset: string | null;
  /** An evaluation run's search run (config.searchRunId). */
  searchRunId: number | null;
  /** Same for two runs whose configs differ only in seed and name: the browser's "group by config". */
  configKey: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** JSON with object keys sorted, so two equal configs written in another key order share a key. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = obj(value);
  if (o) return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function spaceOf(c: Json): string | null {
  return str(obj(c.space)?.kind) ?? str(obj(c.genotype)?.space) ?? (str(obj(c.evaluator)?.kind)?.startsWith('nb201') ? 'nb201' : null);
}

function datasetOf(algorithm: string, c: Json, space: string | null): string | null {
  const own = str(obj(c.dataset)?.name);
  if (own) return own;
  const evaluator = obj(c.evaluator);
  const looked = str(evaluator?.dataset) ?? str(obj(evaluator?.dataset)?.name);
  if (looked) return looked;
  // An evaluation without its own data trains on its preset's.
  const preset = c.preset;
  if (algorithm === 'evaluation' && (space === 'darts' || space === 'nb201') && EVALUATION_PRESETS.includes(preset as never)) {
    return presetRecipe(preset as (typeof EVALUATION_PRESETS)[number], space).dataset.name;
  }
  return null;
}

export function runFacts(algorithm: string, config: unknown): RunFacts {
  const c = obj(config) ?? {};
  const space = spaceOf(c);
  const rest = { ...c };
  delete rest.seed;
  delete rest.name;
  const searchRunId = algorithm === 'evaluation' && Number.isInteger(c.searchRunId) ? (c.searchRunId as number) : null;
  return {
    space,
    dataset: datasetOf(algorithm, c, space),
    searchRunId,
    configKey: createHash('sha1').update(`${algorithm}\n${canonical(rest)}`).digest('hex').slice(0, 20),
  };
}
