import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';

// The README points users at these files: each must be a valid run config as it stands.
const dir = join(__dirname, '../../../examples');

describe('example run configs', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s is a valid run config', (file) => {
    const parsed = RunConfig.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(parsed.success ? 'valid' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toBe('valid');
  });
});
