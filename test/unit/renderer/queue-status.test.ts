import { describe, expect, it } from 'vitest';
import type { QueueJob } from '../../../src-shared/model/queue-status';
import { agoText, jobCounts, jobStateText } from '../../../src-renderer/lib/queue-status';

const job = (over: Partial<QueueJob>): QueueJob => ({ key: 'run-a:0', trialIndex: 0, state: 'waiting', worker: null, attempts: 0, reason: null, ...over });

describe('the queue panel’s words for a job', () => {
  it('says where a job runs or ran, how often it was retried and why it failed', () => {
    expect(jobStateText(job({}))).toBe('waiting');
    expect(jobStateText(job({ attempts: 1, worker: 'gpu1:7' }))).toBe('waiting, to be retried (1 attempt so far)');
    expect(jobStateText(job({ state: 'delayed', attempts: 2, reason: 'out of memory' }))).toBe('waiting to retry: attempt 2 failed: out of memory');
    expect(jobStateText(job({ state: 'active', worker: 'gpu1:7', attempts: 1 }))).toBe('active on gpu1:7');
    expect(jobStateText(job({ state: 'active', worker: 'gpu2:9', attempts: 3 }))).toBe('active on gpu2:9 (attempt 3)');
    expect(jobStateText(job({ state: 'done', worker: 'gpu1:7', attempts: 1 }))).toBe('done on gpu1:7');
    expect(jobStateText(job({ state: 'retried', worker: 'gpu2:9', attempts: 2 }))).toBe('done on gpu2:9, retried 1 time');
    expect(jobStateText(job({ state: 'retried', worker: 'gpu2:9', attempts: 4 }))).toBe('done on gpu2:9, retried 3 times');
    expect(jobStateText(job({ state: 'failed', attempts: 3, reason: 'dataset differs' }))).toBe('failed after 3 attempts: dataset differs');
  });

  it('counts a run’s jobs by state', () => {
    const states = ['done', 'done', 'retried', 'active', 'waiting', 'delayed', 'failed'] as const;
    expect(jobCounts(states.map((state, i) => job({ state, trialIndex: i })))).toEqual({ waiting: 1, delayed: 1, active: 1, done: 2, retried: 1, failed: 1 });
  });

  it('says when a worker was last seen, in the largest whole unit', () => {
    const at = Date.parse('2026-12-07T12:00:00.000Z');
    const ago = (seconds: number) => agoText(new Date(at - seconds * 1000).toISOString(), at);
    expect([ago(0), ago(4), ago(5), ago(59), ago(60), ago(3599), ago(3600), ago(86_399), ago(86_400)]).toEqual([
      'just now', 'just now', '5 s ago', '59 s ago', '1 min ago', '59 min ago', '1 h ago', '23 h ago', '1 d ago',
    ]);
    // A clock a little behind the worker's: not "in the future".
    expect(ago(-3)).toBe('just now');
  });
});
