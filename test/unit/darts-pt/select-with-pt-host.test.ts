import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PcdartsConfig } from '../../../src-shared/model/algorithms/pcdarts';
import { RunConfig } from '../../../src-shared/model/run-config';
import { createHost, type Host } from '../../../src-main/host/host';
import { resourcesDir } from '../../../src-main/host/paths';
import { fakeLauncher } from '../host/fake-engine';

describe('runs.selectWithPt through the contract', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-pt-host-'));
    host = createHost({ dataDir: dir, mode: 'cli', resourcesDir: resourcesDir(), launcher: fakeLauncher().launcher, watch: false });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const finished = (algorithm: string, config: unknown, status: 'completed' | 'failed' = 'completed') => {
    const exp = host.store.experiments.create({ name: 'E' });
    const run = host.store.runs.create({ experimentId: exp.id, name: 'source', algorithm, config, seed: 2 });
    host.store.runs.markStarted(run.id, 'cpu');
    host.store.runs.markFinished(run.id, status);
    return run;
  };

  it('starts a darts-pt run in the source\'s experiment with its shared settings, config and newest checkpoint', async () => {
    const config = PcdartsConfig.parse({ algorithm: 'pcdarts', seed: 2, epochs: 3, archWarmupEpochs: 1, partialChannels: 2, space: { kind: 'darts', nodes: 2, layers: 3, channels: 4 } });
    const run = finished('pcdarts', config);
    host.store.checkpoints.add(run.id, { step: 4, epoch: 1, file: join(dir, 'a.ckpt'), bytes: 10, sha256: 'a'.repeat(64) });
    host.store.checkpoints.add(run.id, { step: 8, epoch: 2, file: join(dir, 'b.ckpt'), bytes: 10, sha256: 'b'.repeat(64) });
    const reply = await host.dispatch('runs.selectWithPt', { id: run.id, projectionInterval: 2 });
    if (!reply.ok) throw new Error(reply.error.message);
    const started = reply.data as { experimentId: number; algorithm: string; config: Record<string, unknown> };
    expect(started.algorithm).toBe('darts-pt');
    expect(started.experimentId).toBe(run.experimentId);
    expect(started.config).toMatchObject({ seed: 2, epochs: 3, projectionInterval: 2, space: config.space, learningRate: config.learningRate });
    expect(started.config).not.toHaveProperty('partialChannels');
    expect(started.config.source).toEqual({ runId: run.id, config, checkpoint: { file: join(dir, 'b.ckpt'), step: 8, sha256: 'b'.repeat(64) } });
  });

  it('refuses what it cannot project, saying why, and writes nothing', async () => {
    const gdas = finished('gdas', RunConfig.parse({ algorithm: 'gdas' }));
    const failed = finished('darts', RunConfig.parse({ algorithm: 'darts' }), 'failed');
    const bare = finished('darts', RunConfig.parse({ algorithm: 'darts' }));
    const before = host.store.runs.list().length;
    for (const [id, message] of [
      [gdas.id, /takes a finished run of darts, sdarts-rs, sdarts-adv, drnas, pcdarts; run \d+ is 'gdas'/],
      [failed.id, /is failed: Select with PT needs the supernet of a completed run/],
      [bare.id, /kept no checkpoint/],
      [999, /run 999 does not exist/],
    ] as const) {
      const reply = await host.dispatch('runs.selectWithPt', { id });
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.message).toMatch(message);
    }
    expect(host.store.runs.list().length).toBe(before);
  });
});
