import { parseArgs } from 'node:util';
import { describeIssues } from '../../../src-shared/contract';
import type { Stat } from '../../../src-shared/model/statistics';
import { PUBLISHED_NB201_CIFAR10, PUBLISHED_S2_CIFAR10_ERROR, STUDY_SPACES, STUDY_STRATEGIES, StudyRequest, type StudyRow } from '../../../src-shared/model/study';
import type { Host } from '../../host/host';
import { HostError } from '../../host/host-error';
import { CliError } from '../cli-error';
import { withHost } from '../with-host';

export const STUDY_USAGE = `  study --space ${STUDY_SPACES.join('|')} [--strategies darts,drnas,pcdarts,sdarts-rs,sdarts-adv] [--seeds N]
        [--size quick|laptop] [--epochs N] [--parallel N] [--experiment ID]
                      the differentiable methods (${STUDY_STRATEGIES.join(', ')}) side by side on the same seeds (queued, run as the
                      host allows), then per method: parameter-free share of the normal cell, the
                      Hessian eigenvalue's first and last value, search time, NAS-Bench-201 accuracy
                      of the cell (nb201) and the evaluated cell's top-1 where the cell was trained;
                      --epochs replaces the preset's epochs, --parallel trains N runs at once (default 1)`;

/** `study`: plans, starts and follows a study, then prints its summary (text table or one JSON object). */
export async function runStudyCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' },
      strategies: { type: 'string' },
      seeds: { type: 'string' },
      size: { type: 'string' },
      epochs: { type: 'string' },
      parallel: { type: 'string' },
      experiment: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!values.space) throw new CliError(`study needs --space\n\n${STUDY_USAGE}`);
  const input = {
    space: values.space,
    ...(values.strategies !== undefined ? { strategies: values.strategies.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
    ...(values.size !== undefined ? { size: values.size } : {}),
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
  };
  const parsed = StudyRequest.safeParse(input);
  if (!parsed.success) throw new CliError(`${describeIssues(parsed.error.issues).message} (strategies: ${STUDY_STRATEGIES.join(', ')})`);
  const experimentId = values.experiment === undefined ? undefined : Number(values.experiment);
  if (experimentId !== undefined && !(Number.isInteger(experimentId) && experimentId > 0)) throw new CliError(`--experiment must be a positive whole number, got '${values.experiment}'`);
  const parallel = values.parallel === undefined ? 1 : Number(values.parallel);
  if (!(Number.isInteger(parallel) && parallel >= 1 && parallel <= 16)) throw new CliError(`--parallel must be a whole number from 1 to 16 (runs trained at once), got '${values.parallel}'`);
  return withHost(values['data-dir'], undefined, (host) => followStudy(host, { ...parsed.data, experimentId }, values.json ?? false, out), parallel);
}

async function followStudy(host: Host, request: StudyRequest & { experimentId?: number }, json: boolean, out: (s: string) => void): Promise<number> {
  let started;
  try {
    started = await host.handlers['studies.start'](request);
  } catch (error) {
    if (error instanceof HostError) throw new CliError(error.message);
    throw error;
  }
  const log = (s: string) => (json ? process.stderr.write(`${s}\n`) : out(s));
  for (const s of started.skipped) log(`skipped ${s.strategy}: ${s.reason}`);
  log(`experiment ${started.experimentId}: ${started.runs.length} run${started.runs.length === 1 ? '' : 's'} queued`);
  const stopAll = (): void => {
    process.stderr.write('\nstopping the study…\n');
    for (const r of started.runs) host.runs.stop(r.id).catch(() => {});
  };
  process.once('SIGINT', stopAll);
  let failed = 0;
  try {
    for (const [i, r] of started.runs.entries()) {
      const final = await host.runs.waitFor(r.id);
      if (final.status !== 'completed') failed++;
      log(`${i + 1}/${started.runs.length} run ${r.id} ${r.name}: ${final.status}${final.error ? ` (${final.error})` : ''}`);
    }
  } finally {
    process.off('SIGINT', stopAll);
  }
  const rows = await host.handlers['studies.summary']({ experimentId: started.experimentId });
  if (json) out(JSON.stringify({ experimentId: started.experimentId, request, skipped: started.skipped, summary: rows }));
  else for (const line of formatStudy(rows, request.space)) out(line);
  return failed === 0 ? 0 : 1;
}

const fmt = (s: Stat | null | undefined, digits: number, scale = 1): string =>
  !s ? '-' : s.std === null ? (s.mean * scale).toFixed(digits) : `${(s.mean * scale).toFixed(digits)} ± ${(s.std * scale).toFixed(digits)}`;

/** The summary as a table, with NAS-Bench-201's (or on S2 the DARTS-PT paper's) published CIFAR-10 figures beside ours where there are some. */
export function formatStudy(rows: StudyRow[], space: string): string[] {
  const head = ['method', 'done', 'param-free %', 'eig first', 'eig last', 'seconds', ...(space === 'nb201' ? ['NB201 C10 %', 'C100 %', 'IN16 %', 'paper C10 %'] : []), ...(space === 's2' ? ['paper S2 C10 err %'] : []), 'evaluated top-1 %'];
  const body = rows.map((r) => [
    r.algorithm,
    `${r.completed}/${r.runs}`,
    fmt(r.parameterFree, 1, 100),
    fmt(r.firstEigenvalue, 3),
    fmt(r.lastEigenvalue, 3),
    fmt(r.seconds, 0),
    ...(space === 'nb201'
      ? [fmt(r.benchmark?.cifar10, 2), fmt(r.benchmark?.cifar100, 2), fmt(r.benchmark?.['imagenet16-120'], 2), PUBLISHED_NB201_CIFAR10[r.algorithm]?.toFixed(2) ?? '-']
      : []),
    ...(space === 's2' ? [PUBLISHED_S2_CIFAR10_ERROR[r.algorithm]?.toFixed(2) ?? '-'] : []),
    fmt(r.evaluatedTop1, 2, 100),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), ...body.map(line), '(mean ± sample std over the completed seeds; param-free: skip, pooling, none and noise among the normal cell’s edges)'];
}
