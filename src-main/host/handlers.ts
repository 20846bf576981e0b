import type { Genotype } from '../../src-shared/model/genotype';
import type { AppInfo, Channel, ParsedRequestOf, ResponseOf } from '../../src-shared/contract';
import { formatDartsPython, formatGenotypeJson, genotypeKey, GenotypeFormatError, parseGenotype } from '../../src-shared/model/genotype-codec';
import { countNetworkCifarParams } from '../../src-shared/model/param-count';
import { SpaceNameTakenError, type Store } from '../store';
import { HostError } from './host-error';
import { proxyTable } from './proxy-table';
import type { RunManager } from './run-manager';
import type { StudyService } from './study';
import { repeatRun } from './run-repeat';
import { selectWithPt } from './pt-select';
import { runQueueStatus } from './queue-status';

export type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

export interface HandlerDeps {
  store: Store;
  runs: RunManager;
  studies: StudyService;
  appInfo: () => Promise<AppInfo>;
}

function found<T>(value: T | null, what: string, field = 'id'): T {
  if (value === null) throw new HostError('not_found', `${what} does not exist`, field);
  return value;
}

/** The contract's handlers, free of any transport: Electron IPC, web mode and tests call the same ones. */
export function createHandlers({ store, runs, studies, appInfo }: HandlerDeps): Handlers {
  return {
    'app.info': () => appInfo(),
    'proxies.table': (r) => proxyTable(store, r.scope),

    'experiments.list': () => store.experiments.list(),
    'experiments.create': (r) => store.experiments.create(r),
    'experiments.rename': (r) => {
      found(store.experiments.get(r.id), `experiment ${r.id}`);
      return store.experiments.rename(r.id, r.name);
    },
    'experiments.delete': (r) => {
      found(store.experiments.get(r.id), `experiment ${r.id}`);
      const busy = store.runs.list({ experimentId: r.id }).filter((run) => run.status === 'running' || run.status === 'queued');
      if (busy.length > 0)
        throw new HostError('conflict', `experiment ${r.id} has ${busy.length} active run(s): stop them first`, 'id');
      store.experiments.delete(r.id);
      return { deleted: r.id };
    },

    'runs.list': (r) => store.runs.list(r),
    'benchmarks.list': (r) => store.benchmarkResults.list(r.kind),
    'runs.get': (r) => {
      const run = found(store.runs.get(r.id), `run ${r.id}`);
      return { run, metricKeys: store.metrics.keys(r.id), genotype: store.genotypes.final(r.id) };
    },
    'runs.start': (r) => runs.start(r),
    'runs.stop': (r) => runs.stop(r.id),
    'runs.resume': (r) => runs.resume(r.id),
    'runs.selectWithPt': (r) => selectWithPt(store, runs, r),
    'runs.delete': (r) => {
      const run = found(store.runs.get(r.id), `run ${r.id}`);
      if (run.status === 'running' || run.status === 'queued')
        throw new HostError('conflict', `run ${r.id} is ${run.status}: stop it first`, 'id');
      store.runs.delete(r.id);
      return { deleted: r.id };
    },
    'runs.logs': (r) => {
      found(store.runs.get(r.id), `run ${r.id}`);
      return store.logs.list(r.id, r.limit);
    },
    'runs.query': (r) => store.runQuery.page(r),
    'runs.groups': (r) => store.runQuery.groups(r),
    'runs.annotate': ({ id, ...change }) => {
      const run = found(store.runs.get(id), `run ${id}`);
      store.runAnnotations.annotate(id, change);
      return { id, name: change.name ?? run.name, notes: store.runAnnotations.notes(id), tags: store.runAnnotations.tags(id) };
    },
    'runs.repeat': (r) => repeatRun(store, runs, r),
    'runs.artifacts': (r) => {
      found(store.runs.get(r.id), `run ${r.id}`);
      return store.artifacts.list(r.id, r.kind);
    },

    'studies.start': (r) => studies.start(r),
    'studies.summary': (r) => studies.summary(r.experimentId),

    'metrics.query': (r) => {
      found(store.runs.get(r.runId), `run ${r.runId}`, 'runId');
      return store.metrics.query(r);
    },

    'genotypes.export': (r) => {
      found(store.runs.get(r.runId), `run ${r.runId}`, 'runId');
      const record = store.genotypes.final(r.runId);
      if (!record) throw new HostError('not_found', `run ${r.runId} has no genotype yet`, 'runId');
      const g = record.genotype;
      if (r.format === 'nb201') {
        if (g.space !== 'nb201') throw new HostError('invalid_request', 'only NAS-Bench-201 cells have an arch string', 'format');
        return { format: r.format, text: g.arch, genotype: g };
      }
      if (r.format === 'python') {
        if (g.space !== 'darts') throw new HostError('invalid_request', "Python Genotype(...) text is for DARTS cells; use 'nb201'", 'format');
        return { format: r.format, text: formatDartsPython(g), genotype: g };
      }
      return { format: r.format, text: formatGenotypeJson(g), genotype: g };
    },

    'genotypes.import': (r) => {
      let g: Genotype;
      try {
        g = parseGenotype(r.text);
      } catch (error) {
        if (error instanceof GenotypeFormatError) throw new HostError('invalid_request', error.message, 'text');
        throw error;
      }
      const common = { genotype: g, key: genotypeKey(g), json: formatGenotypeJson(g) };
      return g.space === 'darts'
        ? { ...common, python: formatDartsPython(g), arch: null, evalParams: countNetworkCifarParams(g).total }
        : { ...common, python: null, arch: g.arch, evalParams: null };
    },

    'spaces.list': () => store.spaces.list(),
    'spaces.save': (r) => {
      try {
        return store.spaces.save(r);
      } catch (error) {
        if (error instanceof SpaceNameTakenError) throw new HostError('conflict', error.message, 'name');
        throw error;
      }
    },
    'spaces.delete': (r) => {
      if (!store.spaces.delete(r.id)) throw new HostError('not_found', `saved space ${r.id} does not exist`, 'id');
      return { deleted: r.id };
    },

    'queue.status': (r) => runQueueStatus(store, r.runId),
  };
}
