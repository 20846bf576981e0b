import { join } from 'node:path';
import type { Run } from '../../src-shared/model/records';
import { RunConfig } from '../../src-shared/model/run-config';
import { describeIssues } from '../../src-shared/contract';
import { planStudy, STUDY_STRATEGIES, studyStrategyOf, summarizeStudy, type StudyRequest, type StudyRow, type StudyRunFacts } from '../../src-shared/model/study';
import { loadNb201, NB201_DATASETS, type Nb201Table } from '../engine/benchmarks/nb201';
import type { Store } from '../store';
import { HostError } from './host-error';
import type { RunManager } from './run-manager';

/**
 * The study's two sides in main: starting its runs (queued by the run manager, which trains as many
 * at once as it may) and reading back what they found. Reading is bookkeeping over the store plus a
 * lookup in NAS-Bench-201's tables; nothing numeric runs here.
 */
export interface StudyService {
  start(request: StudyRequest & { experimentId?: number }): { experimentId: number; runs: Run[]; skipped: { strategy: string; reason: string }[] };
  summary(experimentId: number): StudyRow[];
}

export function createStudyService(store: Store, runs: RunManager, resourcesDir: string): StudyService {
  let tables: Nb201Table[] | null = null;
  const nb201 = (): Nb201Table[] => (tables ??= NB201_DATASETS.map((d) => loadNb201(join(resourcesDir, 'nb201'), d)));

  const facts = (run: Run): StudyRunFacts => {
    const genotype = store.genotypes.final(run.id)?.genotype ?? null;
    const eigen = store.metrics.query({ runId: run.id, keys: ['hessian.eigenvalue'], maxPoints: 100_000 })[0];
    const evaluations = store.runs.list({ searchRunId: run.id }).filter((r) => r.status === 'completed');
    const top1 = evaluations
      .map((r) => (store.artifacts.list(r.id, 'evaluation.report').at(-1)?.data as { top1?: number } | undefined)?.top1)
      .filter((v): v is number => typeof v === 'number');
    const seconds = run.startedAt && run.endedAt ? (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000 : null;
    let benchmark: Record<string, number> | null = null;
    if (genotype?.space === 'nb201') {
      benchmark = Object.fromEntries(nb201().map((t) => [t.dataset, t.test[t.cells.fromArchString(genotype.arch)]]));
    }
    return {
      runId: run.id,
      algorithm: studyStrategyOf(run),
      seed: run.seed,
      status: run.status,
      genotype,
      eigenvalues: eigen?.values ?? [],
      seconds,
      benchmark,
      evaluatedTop1: top1.length ? top1.reduce((a, b) => a + b, 0) / top1.length : null,
    };
  };

  return {
    start(request) {
      const { runs: planned, skipped } = planStudy(request);
      if (planned.length === 0) throw new HostError('invalid_request', `no strategy of the study runs on ${request.space}: ${skipped.map((s) => s.reason).join('; ')}`, 'strategies');
      // Every config is checked before the first run starts: a study starts whole or not at all.
      const configs = planned.map((p) => {
        const parsed = RunConfig.safeParse(p.config);
        if (!parsed.success) throw new HostError('invalid_request', `${p.name}: ${describeIssues(parsed.error.issues).message}`, 'strategies');
        return parsed.data;
      });
      let experimentId = request.experimentId;
      if (experimentId === undefined) {
        const name = `Study: ${request.strategies.join(', ')} on ${request.space.toUpperCase()} (${request.size}, ${request.seeds} seed${request.seeds > 1 ? 's' : ''})`;
        experimentId = store.experiments.create({ name, description: 'Started by a study: the same seeds for every strategy.' }).id;
      } else if (!store.experiments.get(experimentId)) {
        throw new HostError('not_found', `experiment ${experimentId} does not exist`, 'experimentId');
      }
      const started = configs.map((config, i) => runs.start({ experimentId, name: planned[i].name, config }));
      return { experimentId, runs: started, skipped };
    },

    summary(experimentId) {
      if (!store.experiments.get(experimentId)) throw new HostError('not_found', `experiment ${experimentId} does not exist`, 'experimentId');
      const searchRuns = store.runs.list({ experimentId }).filter((r) => (STUDY_STRATEGIES as readonly string[]).includes(r.algorithm));
      return summarizeStudy(searchRuns.sort((a, b) => a.id - b.id).map(facts));
    },
  };
}
