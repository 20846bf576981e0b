import type { QueueJob, QueueJobState } from '../../src-shared/model/queue-status';

const times = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A job's state as the queue panel says it: where it runs or ran, how often it was retried, why it failed. */
export function jobStateText(job: QueueJob): string {
  const on = job.worker ?? 'an unknown worker';
  switch (job.state) {
    case 'waiting':
      // Back in line after its worker died (BullMQ's stalled-job check) or was stopped.
      return job.attempts > 0 ? `waiting, to be retried (${times(job.attempts, 'attempt')} so far)` : 'waiting';
    case 'delayed':
      return `waiting to retry: attempt ${job.attempts} failed${job.reason ? `: ${job.reason}` : ''}`;
    case 'active':
      return `active on ${on}${job.attempts > 1 ? ` (attempt ${job.attempts})` : ''}`;
    case 'done':
      return `done on ${on}`;
    case 'retried':
      return `done on ${on}, retried ${times(job.attempts - 1, 'time')}`;
    case 'failed':
      return `failed after ${times(job.attempts, 'attempt')}${job.reason ? `: ${job.reason}` : ''}`;
  }
}

/** How many of a run's jobs are in each state. */
export function jobCounts(jobs: readonly QueueJob[]): Record<QueueJobState, number> {
  const counts: Record<QueueJobState, number> = { waiting: 0, delayed: 0, active: 0, done: 0, retried: 0, failed: 0 };
  for (const j of jobs) counts[j.state]++;
  return counts;
}

/** "just now", "12 s ago", "4 min ago", "3 h ago", "2 d ago": when a worker was last seen. */
export function agoText(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
