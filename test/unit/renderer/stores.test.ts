import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApi } from '../../../src-renderer/api/current';
import { subscribeLiveUpdates } from '../../../src-renderer/composables/useLiveUpdates';
import { useAppStore } from '../../../src-renderer/stores/app';
import { useExperimentsStore } from '../../../src-renderer/stores/experiments';
import { useMetricsStore } from '../../../src-renderer/stores/metrics';
import { useRunsStore } from '../../../src-renderer/stores/runs';
import type { MetricSeries } from '../../../src-shared/model/records';
import { FakeApi, deferred, makeRun } from './fake-api';

let api: FakeApi;
beforeEach(() => {
  setActivePinia(createPinia());
  api = new FakeApi();
  setApi(api);
});

const experiment = (id: number, name: string, runCount = 0) => ({ id, name, description: '', createdAt: '2026-11-23T10:00:00Z', runCount });
const log = (runId: number, second: number, message: string) => ({ runId, time: `2026-11-23T10:00:${String(second).padStart(2, '0')}.000Z`, level: 'info' as const, message });
const genotype = (runId: number, step: number, final: boolean) => ({
  runId, step, epoch: 0, final, createdAt: '2026-11-23T10:00:00Z',
  genotype: { space: 'nb201' as const, arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' },
});

describe('useAppStore', () => {
  it('loads app.info', async () => {
    const info = { version: '0.1.0', backend: 'wasm', backendDetail: 'no tfjs-node', dataDir: '/tmp/d', mode: 'web' as const };
    api.handle('app.info', () => info);
    const app = useAppStore();
    await app.load();
    expect(app.info).toEqual(info);
    expect(app.error).toBeNull();
    expect(app.unauthorized).toBe(false);
  });

  it('flags a refused token and keeps the server message', async () => {
    api.fail('app.info', { code: 'unauthorized', message: 'missing or wrong token: open the URL the workbench printed at start' });
    const app = useAppStore();
    await app.load();
    expect(app.unauthorized).toBe(true);
    expect(app.error).toBe('missing or wrong token: open the URL the workbench printed at start');
    expect(app.info).toBeNull();
  });
});

describe('useExperimentsStore', () => {
  it('lists, creates, renames and deletes', async () => {
    const list = [experiment(1, 'Default', 2)];
    api
      .handle('experiments.list', () => list)
      .handle('experiments.create', (r) => experiment(2, r.name))
      .handle('experiments.rename', (r) => experiment(r.id, r.name))
      .handle('experiments.delete', (r) => ({ deleted: r.id }));
    const store = useExperimentsStore();
    await store.load();
    await store.create('Sweep');
    await store.rename(2, 'Sweep B');
    expect(store.items.map((e) => e.name)).toEqual(['Default', 'Sweep B']);
    await store.remove(1);
    expect(store.items.map((e) => e.id)).toEqual([2]);
    expect(store.byId.get(2)?.name).toBe('Sweep B');
  });

  it('rethrows a rejected edit and leaves the list unchanged', async () => {
    api.handle('experiments.list', () => [experiment(1, 'Default')]).fail('experiments.rename', { code: 'invalid_request', message: 'name: too short', field: 'name' });
    const store = useExperimentsStore();
    await store.load();
    await expect(store.rename(1, '')).rejects.toThrow('name: too short');
    expect(store.items[0].name).toBe('Default');
  });

  it('records a failed load as an error message', async () => {
    api.fail('experiments.list', { code: 'internal', message: 'experiments.list failed: disk I/O error' });
    const store = useExperimentsStore();
    await store.load();
    expect(store.error).toBe('experiments.list failed: disk I/O error');
    expect(store.loaded).toBe(false);
  });
});

describe('useRunsStore', () => {
  it('starts a run, counts it in its experiment once, and follows run.status events', async () => {
    api.handle('experiments.list', () => [experiment(1, 'Default', 0)]).handle('runs.start', () => makeRun({ id: 7, status: 'queued' }));
    const experiments = useExperimentsStore();
    await experiments.load();
    const runs = useRunsStore();
    const off = subscribeLiveUpdates(api);
    await runs.start({ config: { algorithm: 'train', steps: 60 } });
    api.emit('run.status', makeRun({ id: 7, status: 'running', progressDone: 20 }));
    api.emit('run.status', makeRun({ id: 8, experimentId: 1, status: 'queued' }));
    expect(runs.byId[7].status).toBe('running');
    expect(runs.byId[7].progressDone).toBe(20);
    expect(runs.forExperiment(1).map((r) => r.id)).toEqual([8, 7]);
    expect(experiments.items[0].runCount).toBe(2);
    off();
    expect(api.listenerCount()).toBe(0);
    api.emit('run.status', makeRun({ id: 7, status: 'completed' }));
    expect(runs.byId[7].status).toBe('running');
  });

  it('stop applies the answered status', async () => {
    api.handle('runs.stop', (r) => makeRun({ id: r.id, status: 'cancelled', endedAt: '2026-11-23T10:01:00Z' }));
    const runs = useRunsStore();
    runs.applyStatus(makeRun({ id: 3 }));
    await runs.stop(3);
    expect(runs.byId[3].status).toBe('cancelled');
  });

  it('collects live log lines only for an opened log, keeping lines that arrive during the request', async () => {
    const reply = deferred<ReturnType<typeof log>[]>();
    api.handle('runs.logs', () => reply.promise);
    const runs = useRunsStore();
    subscribeLiveUpdates(api);
    api.emit('run.log', log(1, 1, 'before opening'));
    const opening = runs.loadLogs(1);
    api.emit('run.log', log(1, 2, 'stored')); // in flight, and also in the reply
    api.emit('run.log', log(1, 3, 'in flight'));
    reply.resolve([log(1, 1, 'before opening'), log(1, 2, 'stored')]);
    await opening;
    api.emit('run.log', log(1, 4, 'live'));
    api.emit('run.log', log(2, 4, 'other run'));
    expect(runs.logs[1].map((l) => l.message)).toEqual(['before opening', 'stored', 'in flight', 'live']);
    expect(runs.logs[2]).toBeUndefined();
  });

  it('never replaces a final genotype with a late intermediate one', () => {
    const runs = useRunsStore();
    subscribeLiveUpdates(api);
    api.emit('run.genotype', genotype(1, 10, false));
    api.emit('run.genotype', genotype(1, 60, true));
    api.emit('run.genotype', genotype(1, 50, false));
    expect(runs.genotypes[1]?.step).toBe(60);
    expect(runs.genotypes[1]?.final).toBe(true);
  });

  it('fetchDetail stores the run, its metric keys and genotype', async () => {
    api.handle('runs.get', (r) => ({ run: makeRun({ id: r.id }), metricKeys: ['train.loss'], genotype: genotype(r.id, 5, true) }));
    const runs = useRunsStore();
    await runs.fetchDetail(4);
    expect(runs.byId[4].id).toBe(4);
    expect(runs.metricKeys[4]).toEqual(['train.loss']);
    expect(runs.genotypes[4]?.step).toBe(5);
  });
});

describe('useMetricsStore', () => {
  const p = (step: number, value: number, key = 'train.loss') => ({ key, step, epoch: 0, value, time: step });

  it('merges points that arrive while the query is in flight, without doubles', async () => {
    const reply = deferred<MetricSeries[]>();
    api.handle('metrics.query', () => reply.promise);
    const metrics = useMetricsStore();
    subscribeLiveUpdates(api);
    const loading = metrics.load(1);
    api.emit('run.metrics', { runId: 1, points: [p(20, 1.5), p(30, 1.4)] });
    reply.resolve([{ key: 'train.loss', steps: [0, 10, 20], epochs: [0, 0, 0], values: [2.3, 1.8, 1.5], times: [null, 10, 20] }]);
    await loading;
    api.emit('run.metrics', { runId: 1, points: [p(40, 1.3), p(40, 1.3, 'valid.acc')] });
    expect(metrics.series[1]['train.loss']).toEqual({ steps: [0, 10, 20, 30, 40], epochs: [0, 0, 0, 0, 0], values: [2.3, 1.8, 1.5, 1.4, 1.3], times: [null, 10, 20, 30, 40] });
    expect(metrics.series[1]['valid.acc']).toEqual({ steps: [40], epochs: [0], values: [1.3], times: [40] });
    expect(api.calls.find((c) => c.channel === 'metrics.query')?.request).toMatchObject({ runId: 1, maxPoints: 1000 });
  });

  it('ignores points of runs nobody opened, and forgets a released run', async () => {
    api.handle('metrics.query', () => []);
    const metrics = useMetricsStore();
    subscribeLiveUpdates(api);
    api.emit('run.metrics', { runId: 2, points: [p(1, 1)] });
    expect(metrics.series[2]).toBeUndefined();
    await metrics.load(2);
    api.emit('run.metrics', { runId: 2, points: [p(1, 1)] });
    expect(metrics.series[2]['train.loss'].steps).toEqual([1]);
    metrics.release(2);
    api.emit('run.metrics', { runId: 2, points: [p(2, 1)] });
    expect(metrics.series[2]).toBeUndefined();
  });

  it('stops holding points when the query fails', async () => {
    api.fail('metrics.query', { code: 'not_found', message: 'run 9 does not exist', field: 'runId' });
    const metrics = useMetricsStore();
    await expect(metrics.load(9)).rejects.toThrow('run 9 does not exist');
    metrics.applyPoints(9, [p(1, 1)]);
    expect(metrics.series[9]).toBeUndefined();
  });
});
