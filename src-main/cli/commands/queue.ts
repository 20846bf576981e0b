import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Placement } from '../../../src-shared/model/queue';
import type { ArtifactRecord } from '../../../src-shared/model/records';
import { connectionFor } from '../../queue/connection';
import { EVALUATION_QUEUE } from '../../queue/job';
import { describeRedisUrl, parseRedisUrl } from '../../queue/redis-url';
import { CliError } from '../cli-error';
import { withHost } from '../with-host';

export const QUEUE_USAGE = `  queue status --redis URL [--json]
                      the evaluation queue: jobs waiting, active (on which worker), done, failed (why), retried;
                      the workers connected
  queue trials RUN_ID [--json]
                      where each evaluation of a queued run ran: worker, host, attempts, state`;

/** One evaluation of a run and where it ran (null: evaluated locally). */
export interface TrialPlacement {
  step: number;
  arch: string;
  metric: number;
  placement: Placement | null;
}

/** The run's evaluation artifacts as trials; a local run's have no placement. */
export function trialPlacements(artifacts: readonly ArtifactRecord[]): TrialPlacement[] {
  return artifacts
    .filter((a) => a.kind === 'evaluation')
    .map((a) => {
      const data = a.data as { arch: string; metric: number; placement?: unknown };
      const placement = Placement.safeParse(data.placement);
      return { step: a.step, arch: String(data.arch), metric: data.metric, placement: placement.success ? placement.data : null };
    });
}

/** The table `queue trials` prints, and the workers seen with their evaluation counts. */
export function formatTrials(trials: readonly TrialPlacement[]): string[] {
  const lines = trials.map((t) => {
    const p = t.placement;
    const where = p ? `${p.worker.padEnd(24)} ${p.state.padEnd(7)} ${String(p.attempts).padStart(2)} attempt${p.attempts > 1 ? 's' : ''}` : 'local';
    return `${String(t.step).padStart(5)}  ${t.metric.toFixed(3).padStart(8)}  ${where}  ${t.arch}`;
  });
  const seen = new Map<string, number>();
  for (const t of trials) if (t.placement) seen.set(t.placement.worker, (seen.get(t.placement.worker) ?? 0) + 1);
  const retried = trials.filter((t) => t.placement?.state === 'retried').length;
  lines.push(`${trials.length} evaluations, ${retried} retried; workers seen: ${seen.size === 0 ? 'none (evaluated locally)' : [...seen].map(([w, n]) => `${w} (${n})`).join(', ')}`);
  return lines;
}

async function queueStatus(url: string, json: boolean, out: (s: string) => void): Promise<number> {
  const queue = new Queue(EVALUATION_QUEUE, { connection: connectionFor(url) });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    // BullMQ names a worker's connection bull:<queue>:w:<worker name>; our workers are named host:pid.
    const workers = (await queue.getWorkers()).map((w) => ({ name: w.rawname?.split(':w:')[1] ?? w.name, addr: w.addr }));
    const active = (await queue.getJobs(['active'])).map((j) => ({ key: j.data?.key, worker: (j.progress as { worker?: string })?.worker ?? null, attempt: j.attemptsStarted }));
    const failed = (await queue.getJobs(['failed'], 0, 9)).map((j) => ({ key: j.data?.key, attempts: j.attemptsMade, reason: j.failedReason }));
    const retried = (await queue.getJobs(['completed'])).filter((j) => j.attemptsStarted > 1).length;
    if (json) {
      out(JSON.stringify({ counts: { ...counts, retried }, workers, active, failed }));
      return 0;
    }
    out(`${describeRedisUrl(url)}: ${counts.waiting} waiting, ${counts.active} active, ${counts.completed} done (${retried} after a retry), ${counts.failed} failed, ${counts.delayed} waiting to retry`);
    out(`workers: ${workers.length === 0 ? 'none connected' : workers.map((w) => `${w.name} (${w.addr})`).join(', ')}`);
    for (const a of active) out(`  active  ${a.key}  on ${a.worker ?? '?'}  attempt ${a.attempt}`);
    for (const f of failed) out(`  failed  ${f.key}  after ${f.attempts} attempt(s): ${f.reason}`);
    return 0;
  } finally {
    await queue.close();
  }
}

/** `queue status` (the queue itself, from Redis) and `queue trials RUN_ID` (a run's placements, from the store). */
export async function runQueueCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { redis: { type: 'string' }, json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  const [sub, arg] = positionals;
  const json = values.json ?? false;
  if (sub === 'status') {
    if (!values.redis) throw new CliError(`queue status needs --redis URL\n\n${QUEUE_USAGE}`);
    try {
      parseRedisUrl(values.redis);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    return queueStatus(values.redis, json, out);
  }
  if (sub === 'trials') {
    const runId = Number(arg);
    if (!Number.isInteger(runId) || runId < 1) throw new CliError(`queue trials needs a RUN_ID (see \`runs list\`), got '${arg ?? ''}'`);
    return withHost(values['data-dir'], true, async (host) => {
      if (!host.store.runs.get(runId)) throw new CliError(`run ${runId} does not exist (see \`runs list\`)`);
      const trials = trialPlacements(host.store.artifacts.list(runId, 'evaluation'));
      if (json) out(JSON.stringify(trials));
      else for (const line of formatTrials(trials)) out(line);
      return 0;
    });
  }
  throw new CliError(`unknown 'queue ${sub ?? ''}'\n\n${QUEUE_USAGE}`);
}
