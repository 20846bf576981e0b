import { parseArgs } from 'node:util';
import { formatGenotypeJson } from '../../src-shared/model/genotype-codec';
import { PRESETS } from '../../src-shared/model/presets';
import { createHost, type Host } from '../host/host';
import { resolveDataDir } from '../host/paths';
import { CliError } from './cli-error';
import { runBenchmarkCommand } from './commands/benchmark';
import { runLandscapeCommand } from './commands/landscape';
import { INSPECT_USAGE, runInspectCommand } from './commands/inspect';
import type { Nb201Dataset } from '../engine/benchmarks/nb201';
import { loadRunConfig, runCommand } from './run-command';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  run --config FILE | --preset NAME [--algorithm A] [--experiment ID] [--name NAME]
                      train or search; prints the run id, a progress bar on stderr
  runs list [--experiment ID]
  export RUN_ID [--format json|python|nb201]   the run's final genotype on stdout
  presets             the named presets
  benchmark --space nb201 --dataset cifar10 --strategies random,rea,ls,bananas --trials 100 --budget 150 [--seed 0]
                      black-box strategies over many seeds on the tabular benchmark: mean ± std table
  landscape --space nb201 --dataset cifar10 --metric val|test
                      local optima and local-search descents of the benchmark's landscape
${INSPECT_USAGE}

Every command takes --data-dir DIR (default: $NAS_WORKBENCH_DATA_DIR or ~/.local/share/nas-workbench)
and --json (machine-readable output on stdout).`;

const out = (s: string): void => void process.stdout.write(`${s}\n`);

function intArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got '${value}'`);
  return n;
}

async function withHost<T>(dataDir: string | undefined, work: (host: Host) => Promise<T>): Promise<T> {
  const host = createHost({ dataDir: resolveDataDir(dataDir), mode: 'cli' });
  try {
    return await work(host);
  } finally {
    await host.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'inspect') return runInspectCommand(argv.slice(1), out); // its own options (--genotype, --channels, --layers)
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
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
      seed: { type: 'string', default: '0' },
      metric: { type: 'string', default: 'val' },
    },
  });
  const [command, sub] = positionals;
  const json = values.json ?? false;
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
        json,
      };
      const config = loadRunConfig(args, PRESETS); // validated before the store is opened: a bad config writes nothing
      return withHost(values['data-dir'], (host) => runCommand(host, config, args, out));
    }
    case 'runs': {
      if (sub !== 'list') throw new CliError(`unknown 'runs ${sub ?? ''}': use 'runs list'`);
      const experimentId = intArg(values.experiment, '--experiment');
      return withHost(values['data-dir'], async (host) => {
        const runs = host.store.runs.list({ experimentId });
        if (json) out(JSON.stringify(runs));
        else for (const r of runs) out(`${String(r.id).padStart(5)}  ${r.status.padEnd(9)}  ${r.algorithm.padEnd(8)}  ${(r.backend ?? '-').padEnd(8)}  ${r.createdAt}  ${r.name}`);
        return 0;
      });
    }
    case 'export': {
      const runId = intArg(sub, 'RUN_ID');
      if (runId === undefined) throw new CliError('export needs a RUN_ID');
      return withHost(values['data-dir'], async (host) => {
        const reply = await host.dispatch('genotypes.export', { runId, format: values.format });
        if (!reply.ok) throw new CliError(reply.error.message);
        const data = reply.data as { text: string; genotype: Parameters<typeof formatGenotypeJson>[0] };
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
          seed: Number(values.seed),
          json,
        },
        out,
      );
    case 'landscape':
      return runLandscapeCommand({ space: values.space as 'nb201', dataset: values.dataset as Nb201Dataset, metric: values.metric as 'val', json }, out);
    default:
      throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
