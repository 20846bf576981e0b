import { readFileSync } from 'node:fs';
import { describeIssues, type EventOf } from '../../src-shared/contract';
import { RunConfig, type RunConfigInput } from '../../src-shared/model/run-config';
import type { Host } from '../host/host';
import { HostError } from '../host/host-error';
import type { Run } from '../../src-shared/model/records';
import { ProgressBar } from './progress';
import { CliError } from './cli-error';

export interface RunArgs {
  config?: string;
  preset?: string;
  algorithm?: string;
  experiment?: number;
  name?: string;
  /** `--seed N`: replaces the config's or preset's seed (the only source of a run's randomness). */
  seed?: number;
  json: boolean;
}

/** Reads and validates the run config before anything is opened or written. */
export function loadRunConfig(args: RunArgs, presets: Record<string, RunConfigInput>): RunConfig {
  let input: Record<string, unknown>;
  let source: string;
  if (args.config) {
    source = args.config;
    let text: string;
    try {
      // Editors on Windows save JSON with a UTF-8 byte order mark, which JSON.parse refuses.
      text = readFileSync(args.config, 'utf8').replace(/^\uFEFF/, '');
    } catch (error) {
      throw new CliError(`cannot read the config file ${args.config}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    try {
      input = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(`${args.config} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new CliError(`${args.config} must hold a JSON object (a run config), not ${Array.isArray(input) ? 'an array' : typeof input}`);
  } else if (args.preset) {
    const preset = presets[args.preset];
    if (!preset) throw new CliError(`no preset named '${args.preset}'; presets: ${Object.keys(presets).join(', ')}`);
    source = `preset '${args.preset}'`;
    input = { ...preset } as Record<string, unknown>;
  } else throw new CliError('run needs --config FILE or --preset NAME');
  if (args.algorithm) input.algorithm = args.algorithm;
  if (args.seed !== undefined) input.seed = args.seed;
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) {
    const { message } = describeIssues(parsed.error.issues);
    throw new CliError(`invalid run config (${source}): ${message}`);
  }
  return parsed.data;
}

/** A refusal of the host (no such experiment, no checkpoint, running elsewhere, read-only store) as a one-line CLI error. */
function refusalsAsCliErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HostError) throw new CliError(error.message);
    throw error;
  }
}

/** Starts a run through the host, so it is stored like a UI run. */
export function startRun(host: Host, config: RunConfig, args: RunArgs): Run {
  return refusalsAsCliErrors(() => host.runs.start({ experimentId: args.experiment, name: args.name, config }));
}

/** Resumes a run through the host. */
export function resumeRun(host: Host, runId: number): Run {
  return refusalsAsCliErrors(() => host.runs.resume(runId));
}

/** Shows a run's progress until it ends (Ctrl-C stops it), prints the result; exit code 0 when it completed. */
export async function followRun(host: Host, run: Run, json: boolean, out: (s: string) => void): Promise<number> {
  const bar = new ProgressBar();
  if (!json) out(`run ${run.id}`);
  const unsubscribe = host.bus.subscribe((event, payload) => {
    if (event === 'run.metrics') {
      const m = payload as EventOf<'run.metrics'>;
      if (m.runId === run.id) bar.observe(m.points);
    } else if (event === 'run.status') {
      const r = payload as EventOf<'run.status'>;
      if (r.id === run.id) bar.update(r.progressDone, r.progressTotal);
    } else if (event === 'run.log') {
      const l = payload as EventOf<'run.log'>;
      if (l.runId === run.id && l.level !== 'info') process.stderr.write(`\n${l.level}: ${l.message}\n`);
    }
  });
  const interrupt = (): void => {
    process.stderr.write('\nstopping the run…\n');
    host.runs.stop(run.id).catch((error: unknown) => process.stderr.write(`could not stop run ${run.id}: ${(error as Error).message}\n`));
  };
  process.once('SIGINT', interrupt);
  const final = await host.runs.waitFor(run.id);
  process.off('SIGINT', interrupt);
  unsubscribe();
  bar.end();
  if (json) out(JSON.stringify({ runId: final.id, status: final.status, backend: final.backend, error: final.error }));
  else {
    out(`run ${final.id} ${final.status} on ${final.backend ?? 'no backend'}`);
    if (final.error) out(`error: ${final.error}`);
  }
  return final.status === 'completed' ? 0 : 1;
}
