// Evaluations per second through the distributed queue (docs/queue.md) with 1, 2 and 4 worker
// processes on the NAS-Bench-201 lookup, and the queue's overhead per job against the local
// evaluator (a search queries one cell at a time, so the overhead is what each query pays).
// Starts its own redis-server on a free loopback port and its own workers; prints one JSON line
// per figure. Run: nice -n 10 npx tsx test/bench/queue-throughput.ts
import { Nb201TabularEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import { QueueSetting } from '../../src-shared/model/queue';
import { loadNb201 } from '../../src-main/engine/benchmarks/nb201';
import { TabularEvaluator } from '../../src-main/engine/search/blackbox/evaluators/tabular-evaluator';
import { datasetReferenceOf } from '../../src-main/queue/dataset-ref';
import { QueueEvaluator } from '../../src-main/queue/queue-evaluator';
import { startRedis, startWorker } from '../unit/queue/processes';

const PARALLEL_JOBS = 200;
const SEQUENTIAL_JOBS = 50;
const evaluatorConfig = Nb201TabularEvaluatorConfig.parse({ kind: 'nb201-tabular', dataset: 'cifar10' });
const table = loadNb201('resources/nb201', 'cifar10');
const genotype = (i: number) => table.cells.toGenotype((i * 7919) % table.cells.size);

const redis = await startRedis();
let round = 0;
const evaluatorFor = () =>
  QueueEvaluator.open({
    setting: QueueSetting.parse({ redis: redis.url }),
    evaluator: evaluatorConfig,
    seed: 0,
    runId: `bench-${process.pid}-${round++}`, // a fresh run: no job of an earlier round is reused
    dataset: datasetReferenceOf(evaluatorConfig, 'resources'),
    name: 'bench',
    costUnit: 'queries',
  });

try {
  for (const count of [1, 2, 4]) {
    const workers = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url)));
    try {
      const warm = await evaluatorFor();
      await Promise.all(Array.from({ length: 4 * count }, (_, i) => warm.evaluate(genotype(i), { index: i })));
      await warm.close();

      const evaluator = await evaluatorFor();
      const started = performance.now();
      await Promise.all(Array.from({ length: PARALLEL_JOBS }, (_, i) => evaluator.evaluate(genotype(i), { index: i })));
      const seconds = (performance.now() - started) / 1000;
      const ran = new Set([...evaluator.placements().values()].map((p) => p.worker)).size;
      console.log(JSON.stringify({ bench: 'queue-throughput', workers: count, workersThatRan: ran, jobs: PARALLEL_JOBS, seconds: +seconds.toFixed(3), perSecond: +(PARALLEL_JOBS / seconds).toFixed(1) }));
      await evaluator.close();

      if (count === 1) {
        const sequential = await evaluatorFor();
        const queuedStart = performance.now();
        for (let i = 0; i < SEQUENTIAL_JOBS; i++) await sequential.evaluate(genotype(i), { index: i });
        const queuedMs = (performance.now() - queuedStart) / SEQUENTIAL_JOBS;
        await sequential.close();
        const local = new TabularEvaluator('local', table);
        const localStart = performance.now();
        for (let i = 0; i < SEQUENTIAL_JOBS; i++) await local.evaluate(genotype(i));
        const localMs = (performance.now() - localStart) / SEQUENTIAL_JOBS;
        console.log(JSON.stringify({ bench: 'queue-overhead', jobs: SEQUENTIAL_JOBS, queuedMsPerJob: +queuedMs.toFixed(2), localMsPerJob: +localMs.toFixed(4), overheadMsPerJob: +(queuedMs - localMs).toFixed(2) }));
      }
    } finally {
      for (const w of workers) w.kill();
      await Promise.all(workers.map((w) => w.exited));
    }
  }
} finally {
  await redis.stop();
}
