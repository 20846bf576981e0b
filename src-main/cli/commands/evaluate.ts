import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVALUATION_PRESETS, type EvaluationPreset } from '../../../src-shared/model/algorithms/evaluation';
import type { Genotype } from '../../../src-shared/model/genotype';
import { formatGenotypeJson, MAX_GENOTYPE_TEXT_CHARS, parseGenotype } from '../../../src-shared/model/genotype-codec';
import { QueueSetting } from '../../../src-shared/model/queue';
import { RunConfig } from '../../../src-shared/model/run-config';
import { stat } from '../../../src-shared/model/statistics';
import type { Host } from '../../host/host';
import { STORE_FILE } from '../../host/paths';
import { parseRedisUrl } from '../../queue/redis-url';
import { CliError } from '../cli-error';
import { followRun, startRun } from '../run-command';

export const EVALUATE_USAGE = `  evaluate --genotype FILE | --run RUN_ID [--preset tiny|fmnist-quick|fmnist-cpu|paper] [--seeds N] [--queue URL] [--experiment ID] [--name NAME]
                      train a cell from scratch: FILE holds JSON, an NB201 arch string or DARTS's Python
                      Genotype(...); --run takes a finished search run's final genotype. With --seeds N,
                      N runs (seeds 0..N-1), then top-1 mean ± sample std; one after another here, or all
                      at once as jobs of the workers of --queue redis://host:6379 (docs/queue.md)`;

/** What `evaluate` was asked, checked before the store is opened. */
export interface EvaluatePlan {
  /** The cell, when it came from --genotype FILE. */
  genotype?: Genotype;
  /** The search run whose final genotype to train, when --run. */
  searchRunId?: number;
  preset: EvaluationPreset;
  seeds: number;
  /** Train each seed on the workers of this queue, all seeds at once. */
  queue?: QueueSetting;
  experiment?: number;
  name?: string;
}

function wholeNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got '${value}'`);
  return n;
}

function readGenotypeFile(file: string): Genotype {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new CliError(`cannot read the genotype file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.length > MAX_GENOTYPE_TEXT_CHARS) throw new CliError(`${file} has ${text.length} characters; a genotype file holds at most ${MAX_GENOTYPE_TEXT_CHARS}`);
  try {
    return parseGenotype(text);
  } catch (err) {
    throw new CliError(`${file} is not a genotype: ${(err as Error).message}`);
  }
}

function queueSetting(url: string): QueueSetting {
  try {
    parseRedisUrl(url);
  } catch (err) {
    throw new CliError(`--queue: ${(err as Error).message}`);
  }
  const setting = QueueSetting.safeParse({ redis: url });
  if (!setting.success) throw new CliError(`--queue: ${setting.error.issues.map((i) => i.message).join('; ')}`);
  return setting.data;
}

/** Checks the options and reads --genotype FILE; nothing is opened or written yet. */
export function planEvaluation(o: { genotype?: string; run?: string; preset?: string; seeds?: string; queue?: string; experiment?: number; name?: string }): EvaluatePlan {
  if ((o.genotype === undefined) === (o.run === undefined)) throw new CliError(`evaluate needs --genotype FILE or --run RUN_ID (one of them)\n\n${EVALUATE_USAGE}`);
  const preset = (o.preset ?? 'tiny') as EvaluationPreset;
  if (!EVALUATION_PRESETS.includes(preset)) throw new CliError(`no evaluation preset named '${o.preset}'; presets: ${EVALUATION_PRESETS.join(', ')}`);
  return {
    ...(o.genotype !== undefined ? { genotype: readGenotypeFile(o.genotype) } : { searchRunId: wholeNumber(o.run!, '--run') }),
    preset,
    seeds: o.seeds === undefined ? 1 : wholeNumber(o.seeds, '--seeds'),
    ...(o.queue !== undefined ? { queue: queueSetting(o.queue) } : {}),
    experiment: o.experiment,
    name: o.name,
  };
}

/**
 * The final genotype of a finished search run, read from the store (opened read-only by the
 * caller). Refuses, saying why, a run that does not exist, has not completed, is itself an
 * evaluation, or recorded no genotype.
 */
export function searchRunGenotype(host: Host, runId: number): Genotype {
  const run = host.store.runs.get(runId);
  if (!run) throw new CliError(`run ${runId} does not exist (see \`runs list\`)`);
  if (run.algorithm === 'evaluation') throw new CliError(`run ${runId} is an evaluation run: it trains a given cell and found none; pass the search run it came from, or --genotype FILE`);
  if (run.status !== 'completed') throw new CliError(`run ${runId} is ${run.status}; evaluate --run takes the final genotype of a completed search run (resume it first, or export a genotype and use --genotype)`);
  const record = host.store.genotypes.final(runId);
  if (!record) throw new CliError(`run ${runId} (${run.algorithm}) recorded no genotype: it is not a search run; pass a search run or --genotype FILE`);
  return record.genotype;
}

/** True when the data dir has a store to read (a read-only open of a missing one would fail less clearly). */
export const hasStore = (dataDir: string): boolean => existsSync(join(dataDir, STORE_FILE));

export interface EvaluationOutcome {
  runId: number;
  seed: number;
  status: string;
  top1: number | null;
  top5?: number;
  params: number | null;
  multiplyAdds: number | null;
  trainSeconds: number | null;
  /** The saved network (artifact evaluation.weights), null when none was saved. */
  weights: string | null;
}

function outcomeOf(host: Host, runId: number, seed: number, status: string): EvaluationOutcome {
  const report = host.store.artifacts.list(runId, 'evaluation.report').at(-1)?.data as Record<string, number> | undefined;
  const weights = host.store.artifacts.list(runId, 'evaluation.weights').at(-1)?.data as { file: string } | undefined;
  return {
    runId,
    seed,
    status,
    top1: report?.top1 ?? null,
    ...(report?.top5 !== undefined ? { top5: report.top5 } : {}),
    params: report?.params ?? null,
    multiplyAdds: report?.multiplyAdds ?? null,
    trainSeconds: report?.trainSeconds ?? null,
    weights: weights?.file ?? null,
  };
}

const percent = (v: number): string => (100 * v).toFixed(2);

/**
 * Starts the plan's runs (seeds 0..N-1) through the host, each a stored run, following each like
 * `run`: one after another, stopping at the first that does not complete; with a queue, all at
 * once (the host must allow N runs: each run's engine waits for its job on a worker). Prints each
 * top-1 and the mean ± sample std (text), or one JSON summary (--json). Exit code 0 when every run
 * completed.
 */
export async function runEvaluations(host: Host, plan: EvaluatePlan, genotype: Genotype, json: boolean, out: (s: string) => void): Promise<number> {
  const outcomes: EvaluationOutcome[] = [];
  const quiet = (): void => {};
  const start = (seed: number) => {
    const name = plan.name === undefined ? undefined : plan.seeds > 1 ? `${plan.name} (seed ${seed})` : plan.name;
    const config = { algorithm: 'evaluation', genotype, preset: plan.preset, seed, ...(plan.searchRunId !== undefined ? { searchRunId: plan.searchRunId } : {}), ...(plan.queue ? { queue: plan.queue } : {}) };
    const parsed = RunConfig.safeParse(config);
    if (!parsed.success) throw new CliError(`invalid evaluation config: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return startRun(host, parsed.data, { experiment: plan.experiment, name, json });
  };
  const finish = (run: { id: number }, seed: number, code: number): void => {
    const outcome = outcomeOf(host, run.id, seed, host.store.runs.get(run.id)?.status ?? 'unknown');
    outcomes.push(outcome);
    if (code === 0 && !json) out(`seed ${seed}: top-1 ${percent(outcome.top1 ?? NaN)} %  (run ${run.id}${outcome.weights ? `, weights ${outcome.weights}` : ''})`);
  };
  if (plan.queue) {
    const runs = Array.from({ length: plan.seeds }, (_, seed) => start(seed));
    const codes = await Promise.all(runs.map((run) => followRun(host, run, json, json ? quiet : out)));
    runs.forEach((run, seed) => finish(run, seed, codes[seed]));
  } else {
    for (let seed = 0; seed < plan.seeds; seed++) {
      const run = start(seed);
      const code = await followRun(host, run, json, json ? quiet : out);
      finish(run, seed, code);
      if (code !== 0) break;
    }
  }
  const done = outcomes.filter((o) => o.status === 'completed' && o.top1 !== null);
  const top1 = stat(done.map((o) => o.top1!));
  const size = done[0] ? { params: done[0].params, multiplyAdds: done[0].multiplyAdds } : { params: null, multiplyAdds: null };
  if (json) {
    out(JSON.stringify({ genotype: JSON.parse(formatGenotypeJson(genotype)) as unknown, searchRunId: plan.searchRunId ?? null, preset: plan.preset, runs: outcomes, top1: top1 && { ...top1, std_kind: 'sample' }, ...size }));
  } else if (top1) {
    const spread = top1.std === null ? '(one seed, no spread)' : `± ${percent(top1.std)} % (mean ± sample std over ${top1.n} seeds)`;
    out(`top-1: ${percent(top1.mean)} % ${spread}`);
    out(`parameters: ${size.params?.toLocaleString('en-US')} (auxiliary head excluded)  multiply-adds: ${size.multiplyAdds?.toLocaleString('en-US')} per image (the same network for every seed)`);
  }
  return done.length === plan.seeds ? 0 : 1;
}
