import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(`${ROOT}package.json`);

/**
 * electron-builder.yml as electron-builder itself reads and validates it (its schema rejects an
 * unknown or misplaced option), without building: packaging needs an Electron download.
 */
describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema and sets the fuses docs/security.md promises', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    const config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, { isEnabled: false, add() {} });
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg', 'zip']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    // The native CPU kernels are built for the building machine's CPU: never shipped.
    expect(config.files).not.toContainEqual(expect.stringMatching(/native/));
    expect(config.asarUnpack).toEqual(['**/*.node']);
  });
});
