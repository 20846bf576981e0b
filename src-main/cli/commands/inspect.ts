import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DartsGenotype, type Genotype } from '../../../src-shared/model/genotype';
import { parseGenotype } from '../../../src-shared/model/genotype-codec';
import { selectBackend } from '../../engine/backend/select';
import { inspectGenotype, INSPECT_DATASETS } from '../../engine/evaluate/inspect';
import { CliError } from '../cli-error';

export const INSPECT_USAGE = `  inspect --genotype FILE [--dataset cifar10|cifar100|fashion-mnist|mnist|imagenet] [--channels C --layers L] [--json]
                      parameters (auxiliary head excluded) and multiply-adds of the cell's evaluation network`;

/**
 * Reads a genotype file: DARTS JSON (with or without "space"; ops outside the search set such as
 * sep_conv_7x7 are allowed, the network checks them), or any form parseGenotype reads.
 */
function readGenotype(file: string): Genotype {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the genotype file ${file}: ${(err as Error).message}`);
  }
  try {
    const t = text.trim();
    if (t.startsWith('{')) {
      const o = JSON.parse(t) as Record<string, unknown>;
      if (o.space === undefined || o.space === 'darts') {
        const { normal, normal_concat, reduce, reduce_concat } = o;
        return DartsGenotype.parse({ space: 'darts', normal, normal_concat, reduce, reduce_concat });
      }
    }
    return parseGenotype(t);
  } catch (err) {
    throw new CliError(`${file} is not a genotype: ${(err as Error).message}`);
  }
}

function sizeArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got '${value}'`);
  return n;
}

/** `inspect`: the size of a genotype's evaluation network without training it. Exit code 0, or 2 for bad input. */
export async function runInspectCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      genotype: { type: 'string' },
      dataset: { type: 'string', default: 'cifar10' },
      channels: { type: 'string' },
      layers: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.genotype) throw new CliError(`inspect needs --genotype FILE\n\n${INSPECT_USAGE}`);
  const dataset = values.dataset ?? 'cifar10';
  if (!INSPECT_DATASETS[dataset]) throw new CliError(`unknown dataset '${dataset}'; choose one of ${Object.keys(INSPECT_DATASETS).join(', ')}`);
  const genotype = readGenotype(values.genotype);
  const size = { channels: sizeArg(values.channels, '--channels'), layers: sizeArg(values.layers, '--layers') };
  await selectBackend();
  let result;
  try {
    result = await inspectGenotype(genotype, dataset, Object.fromEntries(Object.entries(size).filter(([, v]) => v !== undefined)));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (values.json) out(JSON.stringify(result));
  else {
    out(`${result.space} cell, ${result.network === 'imagenet' ? 'NetworkImageNet' : result.space === 'darts' ? 'NetworkCIFAR' : 'NAS-Bench-201 network'} C=${result.channels} ${result.space === 'darts' ? `${result.layers} cells` : `N=${result.layers}`}, ${dataset} (${result.input.height}×${result.input.width}×${result.input.channels}, ${result.input.classes} classes)`);
    out(`parameters:     ${result.params.toLocaleString('en-US')} (${(result.params / 1e6).toFixed(2)} M; auxiliary head excluded)`);
    out(`multiply-adds:  ${result.multiplyAdds.toLocaleString('en-US')} (${(result.multiplyAdds / 1e6).toFixed(1)} M per image)`);
  }
  return 0;
}
