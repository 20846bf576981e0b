import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isTrustedUrl, originOf, trustedOrigin } from '../../../src-main/desktop/app-origin';
import { decideNavigation, decideRedirect, decideWindowOpen, externalUrl } from '../../../src-main/desktop/navigation';
import { decidePermission, GRANTED_PERMISSIONS } from '../../../src-main/desktop/permissions';

const APP = 'app://workbench/index.html#/runs/3';

describe('the trusted origin', () => {
  it('is app://workbench in a packaged app, even with a dev-server URL in the environment', () => {
    expect(trustedOrigin({ isPackaged: true, devServerUrl: 'http://localhost:5173' })).toBe(APP_ORIGIN);
    expect(trustedOrigin({ isPackaged: false })).toBe('app://workbench');
  });
  it('is the local dev server in an unpackaged app, and a remote dev-server URL is refused with a reason', () => {
    expect(trustedOrigin({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toBe('http://localhost:5173');
    expect(() => trustedOrigin({ isPackaged: false, devServerUrl: 'http://evil.example:5173/' })).toThrow(/localhost/);
    expect(() => trustedOrigin({ isPackaged: false, devServerUrl: 'https://localhost/' })).toThrow(/http URL/);
  });
  it('matches scheme and host exactly: look-alike hosts, file: and opaque origins are not the app', () => {
    expect(originOf(APP)).toBe('app://workbench');
    expect(isTrustedUrl(APP, APP_ORIGIN)).toBe(true);
    for (const url of ['app://workbench.evil/index.html', 'app://evil/index.html', 'file:///tmp/index.html', 'http://workbench/', 'data:text/html,hi', 'about:blank', '', 'not a url', null]) {
      expect(isTrustedUrl(url, APP_ORIGIN), String(url)).toBe(false);
    }
    // An opaque origin ("null") never equals a trusted origin, even one spelled "null".
    expect(isTrustedUrl('data:text/html,x', 'null')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('lets the window reload its own page and nothing else', () => {
    expect(decideNavigation('app://workbench/index.html', APP_ORIGIN)).toEqual({ allow: true, openExternally: null });
    expect(decideNavigation('app://other/index.html', APP_ORIGIN)).toEqual({ allow: false, openExternally: null });
  });
  it('sends a clicked http(s) link to the system browser instead of the window', () => {
    expect(decideNavigation('https://arxiv.org/abs/1806.09055', APP_ORIGIN)).toEqual({ allow: false, openExternally: 'https://arxiv.org/abs/1806.09055' });
    expect(decideWindowOpen('http://example.org/x?y=1')).toEqual({ allow: false, openExternally: 'http://example.org/x?y=1' });
  });
  it('opens nothing for dangerous or odd schemes, nor for credentials in the URL', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'smb://host/share', 'vscode://x', 'https://user:pw@example.org/', 'app://workbench/index.html', '::']) {
      expect(decideWindowOpen(url), url).toEqual({ allow: false, openExternally: null });
      expect(externalUrl(url), url).toBeNull();
    }
  });
  it('never follows a redirect out of the app, and never opens one externally', () => {
    expect(decideRedirect('https://example.org/', APP_ORIGIN)).toEqual({ allow: false, openExternally: null });
    expect(decideRedirect('app://workbench/index.html', APP_ORIGIN)).toEqual({ allow: true, openExternally: null });
  });
});

describe('permissions', () => {
  const every = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'hid', 'serial', 'usb', 'clipboard-read', 'fullscreen', 'openExternal', 'display-capture', 'pointerLock', 'unknown'];
  it('denies every permission but clipboard writing, even to the app', () => {
    for (const p of every) expect(decidePermission(p, APP, APP_ORIGIN), p).toBe(false);
    expect(GRANTED_PERMISSIONS).toEqual(['clipboard-sanitized-write']);
    expect(decidePermission('clipboard-sanitized-write', APP, APP_ORIGIN)).toBe(true);
  });
  it('denies clipboard writing to any origin but the app, and when the origin is unknown', () => {
    for (const url of ['https://example.org/', 'file:///x.html', 'app://evil/', '', undefined, null]) {
      expect(decidePermission('clipboard-sanitized-write', url, APP_ORIGIN), String(url)).toBe(false);
    }
  });
});
