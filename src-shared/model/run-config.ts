import { z } from 'zod';
import { TrainConfig } from './algorithms/train';
import { DartsConfig } from './algorithms/darts';
import { BananasConfig, LocalSearchConfig, RandomSearchConfig, RegularizedEvolutionConfig } from './algorithms/blackbox';
import { GdasConfig } from './algorithms/gdas';
import { SnasConfig } from './algorithms/snas';
import { PvllConfig } from './algorithms/pvll';
import { SdartsAdvConfig, SdartsRsConfig } from './algorithms/sdarts';
import { DrnasConfig } from './algorithms/drnas';
import { PcdartsConfig } from './algorithms/pcdarts';
import { EvaluationConfig } from './algorithms/evaluation';
import { NoshConfig, RankNoshConfig } from './algorithms/nosh';
import { DartsPtConfig } from './algorithms/darts-pt';
import { NaspConfig } from './algorithms/nasp';
import { ProxylessConfig } from './algorithms/proxyless';
import { FewshotConfig } from './algorithms/fewshot';

/**
 * A run's full configuration, one schema per algorithm joined on `algorithm`. Defaults fill what the
 * user leaves out, so the stored config is always complete and a run can be repeated from it.
 */
export const RunConfig = z.discriminatedUnion('algorithm', [
  TrainConfig,
  DartsConfig,
  RandomSearchConfig,
  RegularizedEvolutionConfig,
  LocalSearchConfig,
  BananasConfig,
  GdasConfig,
  SnasConfig,
  PvllConfig,
  SdartsRsConfig,
  SdartsAdvConfig,
  DrnasConfig,
  PcdartsConfig,
  EvaluationConfig,
  NoshConfig,
  RankNoshConfig,
  DartsPtConfig,
  NaspConfig,
  ProxylessConfig,
  FewshotConfig,
]);
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;
export type Algorithm = RunConfig['algorithm'];
