import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig, type RunConfigInput } from '../../../src-shared/model/run-config';
import type { CheckpointRef, EngineToHost } from '../../../src-main/engine/protocol';
import { forkLauncher, type EngineProcess } from '../../../src-main/host/engine-launcher';
import { resourcesDir } from '../../../src-main/host/paths';

/**
 * The real engine entry in real processes: a run killed with SIGKILL after a few checkpoints and
 * resumed in a new process continues as the run that was never interrupted. What the host would
 * keep (the killed process's reports up to the resumed step, then the new process's) must equal
 * the uninterrupted process's reports: every metric point, genotype and artifact, exactly.
 */
const launch = forkLauncher();
const quick: RunConfigInput = {
  algorithm: 'darts',
  seed: 21,
  dataset: { name: 'embedded', trainLimit: 48 },
  space: { kind: 'nb201', ops: ['none', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3'], channels: 2, cellsPerStage: 1 },
  epochs: 3,
  batchesPerEpoch: 2,
  batchSize: 4,
  validBatches: 1,
  reportEvery: 1,
  hessianIters: 2, // the Hessian is on by default (each epoch); its resume is part of what must be exact
};

interface Session {
  messages: EngineToHost[];
  process: EngineProcess;
  ended: Promise<string>;
}

describe('resume across engine processes', () => {
  let dir: string;
  const started: EngineProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ckpt-process-'));
  });
  afterEach(() => {
    for (const p of started) p.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(config: RunConfigInput, checkpointDir: string, resumeFrom?: CheckpointRef[], onMessage?: (m: EngineToHost, s: Session) => void): Session {
    const process = launch();
    started.push(process);
    const messages: EngineToHost[] = [];
    const session: Session = { messages, process, ended: new Promise((resolve) => process.onExit((reason) => resolve(reason))) };
    process.onMessage((m) => {
      messages.push(m);
      if (m.type === 'ready') process.send({ type: 'start', runId: 1, config: RunConfig.parse(config), resourcesDir: resourcesDir(), checkpointDir, resumeFrom });
      onMessage?.(m, session);
    });
    return session;
  }

  /** The records a host stores from these messages, those with a step after `upTo` left out. */
  function records(messages: EngineToHost[], upTo = Infinity) {
    return {
      metrics: messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])).filter((p) => p.step <= upTo),
      genotypes: messages.filter((m) => m.type === 'genotype' && m.step <= upTo),
      artifacts: messages.filter((m) => m.type === 'artifact' && m.step <= upTo),
    };
  }

  it('a run killed with SIGKILL and resumed in a new process ends as the uninterrupted run', async () => {
    // The reference checkpoints only at epoch ends: the cadence must not change the results either.
    const reference = start({ ...quick, checkpointEvery: 1000 }, join(dir, 'reference'));
    const first = start({ ...quick, checkpointEvery: 1 }, join(dir, 'run'), undefined, (m, s) => {
      if (m.type === 'checkpoint' && m.step >= 3) s.process.kill();
    });
    expect(await first.ended).toMatch(/killed by SIGKILL/);
    expect(await reference.ended).toBe('exited with code 0');
    expect(reference.messages.at(-1)).toEqual({ type: 'finished', status: 'completed' });
    // the reference checkpointed at the ends of epochs 1 and 2 (not 3: the run was over)
    expect(reference.messages.filter((m) => m.type === 'checkpoint').map((m) => m.type === 'checkpoint' && [m.step, m.epoch])).toEqual([[2, 1], [4, 2]]);

    const checkpoints = first.messages.filter((m): m is Extract<EngineToHost, { type: 'checkpoint' }> => m.type === 'checkpoint');
    expect(checkpoints.length).toBeGreaterThanOrEqual(3);
    // A kill during a write may leave a temporary file; every reported checkpoint is in place.
    const files = readdirSync(join(dir, 'run'));
    for (const c of checkpoints) expect(files).toContain(basename(c.file));
    const refs = checkpoints.map((c) => ({ file: c.file, step: c.step, sha256: c.sha256 })).reverse();

    const second = start({ ...quick, checkpointEvery: 1 }, join(dir, 'run'), refs);
    expect(await second.ended).toBe('exited with code 0');
    const afterStart = second.messages.slice(second.messages.findIndex((m) => m.type === 'started') + 1);
    expect(afterStart[0]).toEqual({ type: 'resumed', step: refs[0].step, file: refs[0].file });
    const k = refs[0].step;
    const kept = records(first.messages, k);
    const resumed = records(second.messages);
    expect(resumed.metrics.every((p) => p.step > k)).toBe(true);
    expect({
      metrics: [...kept.metrics, ...resumed.metrics],
      genotypes: [...kept.genotypes, ...resumed.genotypes],
      artifacts: [...kept.artifacts, ...resumed.artifacts],
    }).toEqual(records(reference.messages));
    const final = (s: Session) => s.messages.find((m) => m.type === 'genotype' && m.final);
    expect(final(second)).toEqual(final(reference));
    expect(final(second)).toBeDefined();
  });
});
