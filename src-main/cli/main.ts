import { parseArgs } from 'node:util';
import { formatGenotypeJson } from '../../src-shared/model/genotype-codec';
import { PRESETS } from '../../src-shared/model/presets';
import { describeIssues, requests } from '../../src-shared/contract';
import { HostError } from '../host/host-error';
import { resolveDataDir } from '../host/paths';
import { CliError, describeFailure } from './cli-error';
import { withHost } from './with-host';
import { runStudyCommand, STUDY_USAGE } from './commands/study';
import { runBenchmarkCommand } from './commands/benchmark';
import { runLandscapeCommand } from './commands/landscape';
import { PREDICTORS_USAGE, runPredictorsCommand } from './commands/predictors';
import { INSPECT_USAGE, runInspectCommand } from './commands/inspect';
import { PROXIES_USAGE, runProxiesCommand } from './commands/proxies';
import { copyRunWeights, WEIGHTS_USAGE } from './commands/weights';
import { EVALUATE_USAGE, hasStore, planEvaluation, runEvaluations, searchRunGenotype } from './commands/evaluate';
import type { Nb201Dataset } from '../engine/benchmarks/nb201';
import { DOCTOR_USAGE, runDoctorCommand } from './commands/doctor';
import { followRun, loadRunConfig, resumeRun, startRun } from './run-command';
import { runWorkerCommand, WORKER_USAGE } from './commands/worker';
import { QUEUE_USAGE, runQueueCommand } from './commands/queue';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  run --config FILE | --preset NAME [--algorithm A] [--seed N] [--experiment ID] [--name NAME]
                      train or search; prints the run id, a progress bar on stderr; --seed
                      replaces the config's seed
  resume RUN_ID      continue an interrupted run (or a failed one with a checkpoint) from its
                      last checkpoint; waits and prints progress like run
  runs list [--experiment ID]
  export RUN_ID [--format json|python|nb201]   the run's final genotype on stdout
  presets             the named presets
  benchmark --space nb201 --dataset cifar10 --strategies random,rea,ls,bananas --trials 100 --budget 150 [--seed 0] [--target 93.5] [--save]
                      black-box strategies over many seeds on the tabular benchmark: mean ± std table,
                      queries to reach the target test accuracy, best-so-far curves (--json)
                      (nosh, rank-nosh: budget × 200 training epochs on synthetic learning curves, plus a table of
                      the epochs each strategy needed to reach the same accuracy)
  landscape --space nb201 --dataset cifar10 --metric val|test
                      local optima and local-search descents of the benchmark's landscape
${PREDICTORS_USAGE}
${INSPECT_USAGE}
${PROXIES_USAGE}
${EVALUATE_USAGE}
${STUDY_USAGE}
${WEIGHTS_USAGE}
${WORKER_USAGE}
${QUEUE_USAGE}
${DOCTOR_USAGE}

Every command takes --data-dir DIR (default: $NAS_WORKBENCH_DATA_DIR or ~/.local/share/nas-workbench),
--json (machine-readable output on stdout) and --verbose (a failure prints its stack trace too).
runs list and export only read: they open the store read-only and never write to it.`;

const out = (s: string): void => void process.stdout.write(`${s}\n`);

function intArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got '${value}'`);
  return n;
}

/** `--seed N`: a whole number from 0 to 2^31 − 1 (the configs' range), or absent. */
function seedArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new CliError(`--seed must be a whole number from 0 to 2147483647, got '${value}'`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'inspect') return runInspectCommand(argv.slice(1), out); // its own options (--genotype, --channels, --layers)
  if (argv[0] === 'study') return runStudyCommand(argv.slice(1), out); // its own options and defaults (--strategies, --seeds)
  if (argv[0] === 'doctor') return runDoctorCommand(argv.slice(1), out); // its own option (--json)
  if (argv[0] === 'proxies') return runProxiesCommand(argv.slice(1), out); // its own options (--sample, --batch, --ntk-batch)
  if (argv[0] === 'worker') return runWorkerCommand(argv.slice(1), out); // its own options (--redis, --concurrency)
  if (argv[0] === 'queue') return runQueueCommand(argv.slice(1), out); // queue status --redis URL, queue trials RUN_ID
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      config: { type: 'string' },
      preset: { type: 'string' },
      algorithm: { type: 'string' },
      experiment: { type: 'string' },
      name: { type: 'string' },
      format: { type: 'string', default: 'json' },
      help: { type: 'boolean', short: 'h', default: false },
      space: { type: 'string', default: 'nb201' },
      dataset: { type: 'string', default: 'cifar10' },
      strategies: { type: 'string', default: 'random,rea,ls,bananas' },
      trials: { type: 'string', default: '100' },
      budget: { type: 'string', default: '150' },
      seed: { type: 'string' },
      metric: { type: 'string', default: 'val' },
      target: { type: 'string' },
      genotype: { type: 'string' },
      run: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
      'train-sizes': { type: 'string', default: '20,50,100,200' },
      'test-size': { type: 'string', default: '1000' },
      predictors: { type: 'string', default: 'mlp,gcn,gp,arch2vec-frozen,arch2vec-finetune' },
      'pretrain-cells': { type: 'string', default: '2000' },
      'pretrain-epochs': { type: 'string', default: '8' },
      save: { type: 'boolean', default: false },
      // evaluate --queue URL: each seed's training is a job on that Redis's workers (docs/queue.md)
      queue: { type: 'string' },
    },
  });
  const [command, sub] = positionals;
  const json = values.json ?? false;
  const save = (kind: 'predictors' | 'strategies') =>
    values.save ? (title: string, data: unknown) => withHost(values['data-dir'], undefined, async (host) => host.store.benchmarkResults.add(kind, title, data).id) : undefined;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'run': {
      const args = {
        config: values.config,
        preset: values.preset,
        algorithm: values.algorithm,
        experiment: intArg(values.experiment, '--experiment'),
        name: values.name,
        seed: seedArg(values.seed),
        json,
      };
      const config = loadRunConfig(args, PRESETS); // validated before the store is opened: a bad config writes nothing
      return withHost(values['data-dir'], undefined, (host) => followRun(host, startRun(host, config, args), json, out));
    }
    case 'resume': {
      const runId = intArg(sub, 'RUN_ID');
      if (runId === undefined) throw new CliError('resume needs a RUN_ID (see `runs list`)');
      return withHost(values['data-dir'], undefined, (host) => followRun(host, resumeRun(host, runId), json, out));
    }
    case 'evaluate': {
      const plan = planEvaluation({ ...values, experiment: intArg(values.experiment, '--experiment') }); // checked before the store is opened
      const dataDir = resolveDataDir(values['data-dir']);
      if (plan.searchRunId !== undefined && !hasStore(dataDir)) throw new CliError(`run ${plan.searchRunId} does not exist: ${dataDir} holds no runs yet`);
      const genotype = plan.genotype ?? (await withHost(dataDir, true, async (host) => searchRunGenotype(host, plan.searchRunId!)));
      return withHost(dataDir, undefined, (host) => runEvaluations(host, plan, genotype, json, out), plan.queue ? plan.seeds : undefined); // queued seeds run at once
    }
    case 'weights': {
      const runId = intArg(sub, 'RUN_ID');
      if (runId === undefined || !values.out) throw new CliError(`weights needs a RUN_ID and --out FILE\n\n${WEIGHTS_USAGE}`);
      return withHost(values['data-dir'], true, async (host) => copyRunWeights(host, runId, values.out!, json, out));
    }
    case 'runs': {
      if (sub !== 'list') throw new CliError(`unknown 'runs ${sub ?? ''}': use 'runs list'`);
      const experimentId = intArg(values.experiment, '--experiment');
      return withHost(values['data-dir'], true, async (host) => {
        const runs = host.store.runs.list({ experimentId });
        if (json) out(JSON.stringify(runs));
        else
          for (const r of runs) {
            const seen = r.status === 'interrupted' ? `  (last seen ${r.lastSeenAt ?? 'before leases existed'}${r.resumable ? ', resumable' : ''})` : '';
            out(`${String(r.id).padStart(5)}  ${r.status.padEnd(11)}  ${r.algorithm.padEnd(8)}  ${(r.backend ?? '-').padEnd(8)}  ${r.createdAt}  ${r.name}${seen}`);
          }
        return 0;
      });
    }
    case 'export': {
      const runId = intArg(sub, 'RUN_ID');
      if (runId === undefined) throw new CliError('export needs a RUN_ID');
      const request = requests['genotypes.export'].request.safeParse({ runId, format: values.format });
      if (!request.success) throw new CliError(describeIssues(request.error.issues).message);
      return withHost(values['data-dir'], true, async (host) => {
        // The handler directly, not dispatch: a failure here is printed once, as one line.
        let data;
        try {
          data = await host.handlers['genotypes.export'](request.data);
        } catch (error) {
          if (error instanceof HostError) throw new CliError(error.message);
          throw error;
        }
        out(json ? formatGenotypeJson(data.genotype) : data.text);
        return 0;
      });
    }
    case 'presets': {
      if (json) out(JSON.stringify(PRESETS));
      else for (const [name, p] of Object.entries(PRESETS)) out(`${name.padEnd(16)} ${JSON.stringify(p)}`);
      return 0;
    }
    case 'benchmark':
      return runBenchmarkCommand(
        {
          space: values.space as 'nb201',
          dataset: values.dataset as Nb201Dataset,
          strategies: (values.strategies ?? '').split(',').map((x) => x.trim()).filter(Boolean),
          trials: Number(values.trials),
          budget: Number(values.budget),
          seed: values.seed === undefined ? 0 : Number(values.seed),
          target: values.target === undefined ? undefined : Number(values.target),
          json,
          save: save('strategies'),
        },
        out,
      );
    case 'landscape':
      return runLandscapeCommand({ space: values.space as 'nb201', dataset: values.dataset as Nb201Dataset, metric: values.metric as 'val', json }, out);
    case 'predictors':
      return runPredictorsCommand(
        {
          space: values.space ?? 'nb201',
          dataset: values.dataset ?? 'cifar10',
          trainSizes: values['train-sizes'] ?? '',
          seeds: values.seeds ?? '3',
          testSize: values['test-size'] ?? '',
          predictors: values.predictors ?? '',
          pretrainCells: values['pretrain-cells'] ?? '',
          pretrainEpochs: values['pretrain-epochs'] ?? '',
          json,
          save: save('predictors'),
        },
        out,
        (line) => void process.stderr.write(`${line}\n`),
      );
    default:
      throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(describeFailure(error, argv.includes('--verbose')));
    process.exit(error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  },
);
