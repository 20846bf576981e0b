/** The quick preset's supernet as a bench shape, or why there is none (another engineer adds the preset). */
import { PRESETS } from '../../src-shared/model/presets';
import { RunConfig } from '../../src-shared/model/run-config';
import type { SupernetBenchShape } from './supernet-step';

export function quickPresetShape(): SupernetBenchShape | string {
  const preset = PRESETS.quick;
  if (!preset) return 'PRESETS.quick is not defined in src-shared/model/presets.ts yet';
  const parsed = RunConfig.safeParse(preset);
  if (!parsed.success) return `PRESETS.quick does not parse as a run config: ${parsed.error.message}`;
  const config = parsed.data;
  if (!('space' in config) || config.space.kind !== 'darts') return `PRESETS.quick is a '${config.algorithm}' run without a DARTS supernet`;
  const cifar = config.dataset.name.startsWith('cifar');
  const { kind: _kind, ...space } = config.space;
  return {
    label: `quick preset (${cifar ? '32x32x3' : '28x28x1'}, C=${space.channels}, ${space.layers} cells, ${space.nodes} nodes, ${space.ops.length} ops, batch ${config.batchSize})`,
    space,
    input: cifar ? [config.batchSize, 32, 32, 3] : [config.batchSize, 28, 28, 1],
    numClasses: config.dataset.name === 'cifar100' ? 100 : 10,
  };
}
