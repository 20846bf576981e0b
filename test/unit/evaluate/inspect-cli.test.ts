import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTORCH_EVAL_PARAMS, publishedDarts } from '../../fixtures/published';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args], { encoding: 'utf8' });

describe('inspect --genotype (a real CLI process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-inspect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints DARTS_V2's parameter count as the DARTS code prints it (3,349,342) and its multiply-adds as JSON", () => {
    // The published file's entry as it stands (with its "source" note, without "space").
    const file = join(dir, 'darts_v2.json');
    writeFileSync(file, JSON.stringify(publishedDarts.genotypes.DARTS_V2));
    const r = cli(['inspect', '--genotype', file, '--json']);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ space: 'darts', dataset: 'cifar10', channels: 36, layers: 20, network: 'cifar', params: PYTORCH_EVAL_PARAMS.DARTS_V2 });
    expect(result.multiplyAdds as number).toBeGreaterThan(0);
  });

  it('sizes a NAS-Bench-201 cell in its own network, with --channels and --layers, and refuses bad input clearly', () => {
    const file = join(dir, 'nb201.txt');
    writeFileSync(file, '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|\n');
    const paper = cli(['inspect', '--genotype', file, '--json']);
    // NAS-Bench-201 publishes 0.802426 M parameters for this cell on CIFAR-10 (test/fixtures/nb201_cost.json).
    expect(JSON.parse(paper.stdout).params).toBe(802_426);
    const small = cli(['inspect', '--genotype', file, '--dataset', 'fashion-mnist', '--channels', '8', '--layers', '1']);
    expect(small.status).toBe(0);
    expect(small.stdout).toMatch(/NAS-Bench-201 network C=8 N=1, fashion-mnist \(28×28×1, 10 classes\)/);
    expect(small.stdout).toMatch(/parameters: +[\d,]+/);
    const missing = cli(['inspect', '--genotype', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the genotype file .*nope\.json/);
    const badSize = cli(['inspect', '--genotype', file, '--layers', 'many']);
    expect(badSize.status).toBe(2);
    expect(badSize.stderr).toMatch(/--layers must be a positive whole number/);
  });
});
