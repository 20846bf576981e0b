/**
 * Every request channel's name, apart from its schemas (contract.ts): the renderer needs the names at
 * start (to read error messages) but not the schemas, whose construction is a large part of the
 * page's start-up. contract.ts checks at compile time that `requests` has exactly these keys.
 */
export const CHANNEL_NAMES = [
  'proxies.table',
  'app.info',
  'experiments.list',
  'experiments.create',
  'experiments.rename',
  'experiments.delete',
  'runs.list',
  'runs.get',
  'runs.start',
  'runs.stop',
  'runs.resume',
  'runs.selectWithPt',
  'runs.delete',
  'runs.logs',
  'runs.query',
  'runs.groups',
  'runs.annotate',
  'runs.repeat',
  'runs.artifacts',
  'studies.start',
  'studies.summary',
  'metrics.query',
  'benchmarks.list',
  'genotypes.export',
  'genotypes.import',
  'spaces.list',
  'spaces.save',
  'spaces.delete',
  'queue.status',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];
