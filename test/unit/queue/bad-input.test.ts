import { describe, expect, it } from 'vitest';
import { Nb201TabularEvaluatorConfig, Nb201SupernetEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
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
});
