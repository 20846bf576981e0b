import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { EngineToHost } from '../../../src-main/engine/protocol';
import { runStrategy } from '../../../src-main/engine/run-loop';
import { resourcesDir } from '../../../src-main/host/paths';

/** The run loop's checkpoint cadence and message order, on a table-lookup run (milliseconds a query). */
describe('run loop checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ckpt-loop-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = (checkpointEvery?: number) => RunConfig.parse({ algorithm: 'rea', budget: 12, seed: 2, populationSize: 4, sampleSize: 2, checkpointEvery });
  const run = async (c: RunConfig, stopAfter = Infinity, resumeFrom?: { file: string; step: number; sha256: string }[]) => {
    const sent: EngineToHost[] = [];
    let steps = 0;
    const status = await runStrategy({
      config: c,
      resourcesDir: resourcesDir(),
      checkpointDir: dir,
      resumeFrom,
      send: (m) => {
        sent.push(m);
        // each query sends its evaluation at once (progress is throttled)
        if (m.type === 'artifact' && m.kind === 'evaluation') steps = m.step;
      },
      stopRequested: () => steps >= stopAfter,
    });
    return { status, sent };
  };
  const checkpoints = (sent: EngineToHost[]) => sent.filter((m): m is Extract<EngineToHost, { type: 'checkpoint' }> => m.type === 'checkpoint');

  it('checkpoints every checkpointEvery steps but not after the last, each after the reports of its step', async () => {
    const { status, sent } = await run(config(5));
    expect(status).toBe('completed');
    expect(checkpoints(sent).map((c) => c.step)).toEqual([5, 10]);
    expect(readdirSync(dir).sort()).toEqual(['step-000000005.ckpt', 'step-000000010.ckpt']);
    for (const c of checkpoints(sent)) {
      const at = sent.indexOf(c);
      // the evaluation artifact and best-so-far metric of step c.step were sent before the checkpoint
      expect(sent.slice(0, at).some((m) => m.type === 'artifact' && m.step === c.step)).toBe(true);
      expect(sent.slice(0, at).some((m) => m.type === 'metrics' && m.points.some((p) => p.step === c.step))).toBe(true);
      expect(sent.slice(at).some((m) => m.type === 'metrics' && m.points.some((p) => p.step <= c.step))).toBe(false);
    }
  });

  it('uses the tabular default of 25 queries when the config names none', async () => {
    const { sent } = await run(RunConfig.parse({ algorithm: 'random', budget: 60, seed: 2 }));
    expect(checkpoints(sent).map((c) => c.step)).toEqual([25, 50]);
  });

  it('checkpoints when stopped, and a resume from it sends `resumed` first and ends as the uninterrupted run', async () => {
    const whole = await run(config(100));
    const stopped = await run(config(100), 7);
    expect(stopped.status).toBe('cancelled');
    const [last] = checkpoints(stopped.sent);
    expect(last.step).toBe(7);
    const resumed = await run(config(100), Infinity, [{ file: last.file, step: last.step, sha256: last.sha256 }]);
    expect(resumed.status).toBe('completed');
    expect(resumed.sent[0]).toEqual({ type: 'resumed', step: 7, file: last.file });
    const evaluations = (sent: EngineToHost[]) => sent.filter((m) => m.type === 'artifact' && m.kind === 'evaluation');
    expect([...evaluations(stopped.sent).filter((m) => m.type === 'artifact' && m.step <= 7), ...evaluations(resumed.sent)]).toEqual(evaluations(whole.sent));
    const final = (sent: EngineToHost[]) => sent.find((m) => m.type === 'genotype' && m.final);
    expect(final(resumed.sent)).toEqual(final(whole.sent));
  });
});
