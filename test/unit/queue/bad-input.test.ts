import { describe, expect, it } from 'vitest';
import { Nb201TabularEvaluatorConfig, Nb201SupernetEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
import { EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import { NoshConfig } from '../../../src-shared/model/algorithms/nosh';
import { noshFactory } from '../../../src-main/engine/search/blackbox/nosh-factory';
import { Rng } from '../../../src-shared/model/rng';
import { planEvaluation } from '../../../src-main/cli/commands/evaluate';
import { createEvaluationStrategy } from '../../../src-main/engine/search/evaluation';
import { QueueSetting } from '../../../src-shared/model/queue';
import { datasetReferenceOf } from '../../../src-main/queue/dataset-ref';
import { QueueEvaluator } from '../../../src-main/queue/queue-evaluator';
import { parseRedisUrl } from '../../../src-main/queue/redis-url';
import { freePort } from './processes';

const lookup = Nb201TabularEvaluatorConfig.parse({ kind: 'nb201-tabular' });
const open = (redis: string, evaluator: Parameters<typeof QueueEvaluator.open>[0]['evaluator'] = lookup) =>
  QueueEvaluator.open({ setting: QueueSetting.parse({ redis }), evaluator, seed: 0, runId: 'run-bad', dataset: datasetReferenceOf(lookup, 'resources'), name: 'bad', costUnit: 'queries' });

describe('queue settings that cannot work are refused with what to do', () => {
  it('reads auth, database and TLS from the URL, and names what is wrong with a bad one', () => {
    expect(parseRedisUrl('rediss://worker:s%40cret@queue.lab:6380/2')).toEqual({ host: 'queue.lab', port: 6380, tls: true, username: 'worker', password: 's@cret', db: 2 });
    expect(parseRedisUrl('redis://127.0.0.1')).toMatchObject({ port: 6379, tls: false, db: 0 });
    expect(() => parseRedisUrl('http://queue.lab')).toThrow(/must start with redis:\/\/ or rediss:\/\/ \(TLS\)/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database after the slash must be a whole number, got 'x'/);
    expect(QueueSetting.safeParse({ redis: 'queue.lab:6379' }).error?.issues[0].message).toMatch(/must start with redis:\/\//);
  });

  it('says it cannot reach Redis when nothing listens at the URL', async () => {
    await expect(open(`redis://127.0.0.1:${await freePort()}`)).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: connect ECONNREFUSED/);
  });

  it('keeps a supernet evaluator local: it trains its shared weights before the first query', async () => {
    await expect(open('redis://127.0.0.1:1', Nb201SupernetEvaluatorConfig.parse({ kind: 'nb201-supernet' }))).rejects.toThrow(/nb201-supernet evaluator trains one shared supernet and runs locally: remove "queue"/);
  });

  it('refuses `evaluate --queue` with a bad URL, and a queued evaluation whose data no worker can resolve', async () => {
    expect(() => planEvaluation({ run: '3', queue: 'queue-host:6379' })).toThrow(/^--queue: 'queue-host:6379' is not a Redis URL: it must start with redis:\/\/ or rediss:\/\/ \(TLS\)$/);
    expect(planEvaluation({ run: '3', queue: 'redis://queue-host:6379' }).queue).toMatchObject({ redis: 'redis://queue-host:6379', attempts: 3 });
    // The paper preset reads CIFAR-10 from a relative folder: every worker would resolve it elsewhere.
    const config = EvaluationConfig.parse({ algorithm: 'evaluation', genotype: { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' }, preset: 'paper', queue: { redis: 'redis://127.0.0.1:1' } });
    const reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };
    await expect(createEvaluationStrategy({ config, rng: new Rng(0), reporter, resourcesDir: 'resources' })).rejects.toThrow(/dataset folder must be an absolute path every worker can resolve, got 'data\/cifar-10-batches-bin'/);
  });

  it('keeps NOSH on learning-curve lookups local: it trains nothing', async () => {
    const config = NoshConfig.parse({ algorithm: 'nosh', queue: { redis: 'redis://127.0.0.1:1' } });
    const reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };
    await expect(noshFactory({ config, rng: new Rng(0), reporter, resourcesDir: 'resources' })).rejects.toThrow(/nb201-curves evaluator looks learning curves up and trains nothing: remove "queue"/);
  });
});
