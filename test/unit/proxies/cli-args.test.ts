import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runProxiesCommand } from '../../../src-main/cli/commands/proxies';

let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('proxies: bad arguments are refused before anything is computed or written', () => {
  for (const [args, message] of [
    [['--space', 'darts', '--sample', '3'], /--space must be nb201/],
    [['--sample', '3', '--dataset', 'mnist'], /unknown dataset 'mnist'; choose one of cifar10, cifar100, imagenet16-120/],
    [[], /proxies needs --sample N/],
    [['--sample', '1'], /--sample must be a whole number ≥ 2/],
    [['--sample', '20000'], /--sample must be at most 15625/],
    [['--sample', '3', '--batch', '1'], /--batch must be a whole number ≥ 2/],
    [['--sample', '3', '--proxies', 'synflow,grasb'], /unknown proxy 'grasb' in --proxies; choose from grad_norm, snip, grasp/],
  ] as const) {
    it(`${args.join(' ') || '(no options)'} → ${message}`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'proxies-cli-'));
      await expect(runProxiesCommand([...args, '--data-dir', dir], () => {})).rejects.toThrow(message);
      expect(readdirSync(dir)).toEqual([]); // no store created
    });
  }
});
