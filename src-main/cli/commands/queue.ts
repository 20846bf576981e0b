import { parseArgs } from 'node:util';
import { Placement } from '../../../src-shared/model/queue';
import type { ArtifactRecord } from '../../../src-shared/model/records';
import type { QueueStatus } from '../../../src-shared/model/queue-status';
import { resourcesDir } from '../../host/paths';
import { parseRedisUrl } from '../../queue/redis-url';
import { queueStatus, queuedRunOf } from '../../queue/status';
import { CliError } from '../cli-error';
import { withHost } from '../with-host';

export const QUEUE_USAGE = `  queue status (--redis URL | --run RUN_ID [--data-dir DIR]) [--json]
                      the evaluation queue: jobs waiting, active (on which worker), done, failed (why), retried;
                      the workers seen and when; with --run, that run's jobs (on its own queue unless --redis)
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

/** What `queue status` prints: counts, then each listed job, then the workers seen. */
export function formatQueueStatus(status: QueueStatus): string[] {
  const c = status.counts;
  const lines = [`${status.url}: ${c.waiting} waiting, ${c.active} active, ${c.completed} done, ${c.failed} failed, ${c.delayed} waiting to retry`];
  if (status.runKey) lines.push(`run ${status.runKey}: ${status.jobs.length} job(s)`);
  for (const j of status.jobs) {
    const where = j.worker ? ` on ${j.worker}` : '';
    const why = j.reason && (j.state === 'failed' || j.state === 'delayed') ? `: ${j.reason}` : '';
    lines.push(`  ${j.state.padEnd(8)} ${j.key}${where}  attempt ${j.attempts}${why}`);
  }
  const workers = status.workers.map((w) => `${w.name} (${w.connected ? 'connected' : 'gone'}, last seen ${w.lastSeen}${w.jobs ? `, ${w.jobs} job(s)` : ''})`);
  lines.push(`workers: ${workers.length === 0 ? 'none seen' : workers.join(', ')}`);
  return lines;
}

/** The Redis URL and run key `queue status` reads: --redis, or the run's own queue with --run. */
async function statusTarget(redis: string | undefined, run: string | undefined, dataDir: string | undefined): Promise<{ url: string; runKey?: string }> {
  if (run === undefined) {
    if (!redis) throw new CliError(`queue status needs --redis URL or --run RUN_ID\n\n${QUEUE_USAGE}`);
    return { url: redis };
  }
  const runId = Number(run);
  if (!Number.isInteger(runId) || runId < 1) throw new CliError(`--run needs a RUN_ID (see \`runs list\`), got '${run}'`);
  return withHost(dataDir, true, async (host) => {
    const stored = host.store.runs.get(runId);
    if (!stored) throw new CliError(`run ${runId} does not exist (see \`runs list\`)`);
    const queued = queuedRunOf(stored.config, resourcesDir());
    if (!queued) throw new CliError(`run ${runId} evaluated locally: it has no queue setting`);
    return { url: redis ?? queued.url, runKey: queued.runKey };
  });
}

/** `queue status` (the queue itself, from Redis) and `queue trials RUN_ID` (a run's placements, from the store). */
export async function runQueueCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { redis: { type: 'string' }, run: { type: 'string' }, json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  const [sub, arg] = positionals;
  const json = values.json ?? false;
  if (sub === 'status') {
    const { url, runKey } = await statusTarget(values.redis, values.run, values['data-dir']);
    try {
      parseRedisUrl(url);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    let status: QueueStatus;
    try {
      status = await queueStatus(url, runKey);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    if (json) out(JSON.stringify(status));
    else for (const line of formatQueueStatus(status)) out(line);
    return 0;
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
