import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from '../../../src-shared/desktop';
import type { Run } from '../../../src-shared/model/records';
import { answerAppRequest } from '../../../src-main/desktop/app-protocol';
import { buildMenuSpec, menuActions, type MenuItemSpec } from '../../../src-main/desktop/menu';
import { INDETERMINATE, NO_PROGRESS, RunAttention } from '../../../src-main/desktop/run-attention';
import { focusFirstInstance, profileDirFor } from '../../../src-main/desktop/single-instance';
import { DEFAULT_SIZE, MIN_SIZE, placeWindow, readWindowState, writeWindowState } from '../../../src-main/desktop/window-state';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/web/static-files';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nas-desktop-shell-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function labels(spec: MenuItemSpec[]): string[] {
  return spec.map((m) => m.label ?? m.role ?? '-');
}

describe('the application menu', () => {
  it('has File (new run, data folder, import, export), Edit, View and Help on Linux and Windows', () => {
    const spec = buildMenuSpec({ platform: 'linux', isPackaged: true, appName: 'NAS Workbench' });
    expect(labels(spec)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(labels(spec[0].submenu!)).toEqual(['New Run…', 'Open Experiment Data Folder', '-', 'Import Genotype…', 'Export Genotype…', '-', 'Quit']);
    expect(menuActions(spec[3].submenu!)).toEqual([{ kind: 'open-docs', page: 'readme' }, { kind: 'open-docs', page: 'docs' }]);
  });
  it('sends every renderer command from exactly one item, and has one item opening the data folder', () => {
    const actions = menuActions(buildMenuSpec({ platform: 'linux', isPackaged: true, appName: 'W' }));
    const commands = actions.flatMap((a) => (a.kind === 'renderer' ? [a.command] : []));
    expect([...commands].sort()).toEqual([...MENU_COMMANDS].sort());
    expect(actions.filter((a) => a.kind === 'open-data-dir')).toHaveLength(1);
  });
  it('offers reload and the developer tools only in an unpackaged app, and the app menu only on macOS', () => {
    const roles = (spec: MenuItemSpec[]): string[] => spec.flatMap((m) => [...(m.role ? [m.role] : []), ...roles(m.submenu ?? [])]);
    expect(roles(buildMenuSpec({ platform: 'linux', isPackaged: true, appName: 'W' }))).not.toContain('toggleDevTools');
    expect(roles(buildMenuSpec({ platform: 'linux', isPackaged: false, appName: 'W' }))).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
    expect(labels(buildMenuSpec({ platform: 'darwin', isPackaged: true, appName: 'W' }))).toEqual(['W', '&File', '&Edit', '&View', '&Help']);
  });
});

describe('window size and place', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
  const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

  it('reads back what it wrote, and treats a missing or damaged file as no saved state', () => {
    const file = join(dir, 'state', 'window-state.json');
    expect(readWindowState(file)).toBeNull();
    writeWindowState(file, { bounds: { x: 2000, y: 40, width: 1600, height: 1000 }, maximized: true });
    expect(readWindowState(file)).toEqual({ bounds: { x: 2000, y: 40, width: 1600, height: 1000 }, maximized: true });
    for (const text of ['{', '{"bounds":{"x":"a"},"maximized":false}', '[]', '{"bounds":{"x":0,"y":0,"width":0,"height":5},"maximized":false}']) {
      writeFileSync(file, text);
      expect(readWindowState(file), text).toBeNull();
    }
  });
  it('restores the saved place on a display that is still there', () => {
    const saved = { bounds: { x: 2000, y: 40, width: 1600, height: 1000 }, maximized: false };
    expect(placeWindow(saved, [laptop, rightMonitor])).toEqual({ bounds: saved.bounds, maximized: false });
  });
  it('falls back to the default size when the saved display is gone (only a 100 px sliver would show)', () => {
    const saved = { bounds: { x: 1820, y: 40, width: 1600, height: 1000 }, maximized: true };
    // 100 px of it overlap the laptop screen: below the 160 px needed to grab it.
    expect(placeWindow(saved, [laptop])).toEqual({ bounds: DEFAULT_SIZE, maximized: true });
  });
  it('shrinks a saved or default size to the display, never below the minimum', () => {
    const small = { x: 0, y: 0, width: 1280, height: 700 };
    expect(placeWindow(null, [small]).bounds).toEqual({ width: 1280, height: 700 });
    expect(placeWindow({ bounds: { x: 10, y: 10, width: 3000, height: 2000 }, maximized: false }, [small]).bounds).toEqual({ x: 10, y: 10, width: 1280, height: 700 });
    const tiny = { x: 0, y: 0, width: 640, height: 480 };
    expect(placeWindow(null, [tiny]).bounds).toEqual(MIN_SIZE);
    expect(placeWindow(null, []).bounds).toEqual(DEFAULT_SIZE);
  });
});

describe('one instance per data dir', () => {
  it('keeps the default profile for the default data dir and gives any other data dir its own, stable one', () => {
    const userData = '/home/u/.config/NAS Workbench';
    expect(profileDirFor(userData, userData)).toBe(userData);
    expect(profileDirFor(userData, `${userData}/`)).toBe(userData);
    const a = profileDirFor(userData, '/data/a');
    expect(a).toMatch(/^\/home\/u\/\.config\/NAS Workbench\/instances\/[0-9a-f]{16}$/);
    expect(profileDirFor(userData, '/data/a/../a')).toBe(a);
    expect(profileDirFor(userData, '/data/b')).not.toBe(a);
  });
  it('brings a minimized first window back and focuses it; says when there is none', () => {
    const calls: string[] = [];
    const win = { isMinimized: () => true, restore: () => calls.push('restore'), show: () => calls.push('show'), focus: () => calls.push('focus') };
    expect(focusFirstInstance(win)).toBe(true);
    expect(calls).toEqual(['restore', 'show', 'focus']);
    expect(focusFirstInstance(null)).toBe(false);
  });
});

function run(id: number, status: Run['status'], extra: Partial<Run> = {}): Run {
  return {
    id, experimentId: 1, name: `r${id}`, algorithm: 'darts', config: {}, seed: 0, status, backend: 'wasm', createdAt: '2026-12-07T10:00:00Z',
    startedAt: status === 'queued' ? null : `2026-12-07T10:0${id}:00Z`, endedAt: null, error: null, progressDone: 0, progressTotal: 0,
    owner: null, lastSeenAt: null, checkpointStep: null, resumable: false, ...extra,
  };
}

describe('taskbar progress and notifications from run.status', () => {
  it('shows the last started running run’s done/total, indeterminate without a total or while queued, nothing when idle', () => {
    const a = new RunAttention();
    expect(a.onStatus(run(1, 'queued'), true).progress).toBe(INDETERMINATE);
    expect(a.onStatus(run(1, 'running'), true).progress).toBe(INDETERMINATE);
    expect(a.onStatus(run(1, 'running', { progressDone: 30, progressTotal: 120 }), true).progress).toBeCloseTo(0.25, 12);
    // Run 2 started later: it is the active one.
    expect(a.onStatus(run(2, 'running', { progressDone: 9, progressTotal: 10 }), true).progress).toBeCloseTo(0.9, 12);
    expect(a.onStatus(run(2, 'completed', { progressDone: 10, progressTotal: 10 }), true).progress).toBeCloseTo(0.25, 12);
    expect(a.onStatus(run(1, 'running', { progressDone: 130, progressTotal: 120 }), true).progress).toBe(1);
    expect(a.onStatus(run(1, 'cancelled'), true).progress).toBe(NO_PROGRESS);
  });
  it('notifies a completed, failed or interrupted run it saw live, while the window is not focused', () => {
    const a = new RunAttention();
    a.onStatus(run(1, 'running'), false);
    a.onStatus(run(2, 'running'), false);
    a.onStatus(run(3, 'running'), false);
    a.onStatus(run(4, 'running'), false);
    expect(a.onStatus(run(1, 'completed', { progressDone: 50, progressTotal: 50 }), false).notice).toEqual({ runId: 1, title: 'Run 1 “r1” completed', body: 'darts: 50 of 50 steps done.' });
    expect(a.onStatus(run(2, 'failed', { error: 'wasm heap exhausted' }), false).notice).toEqual({ runId: 2, title: 'Run 2 “r2” failed', body: 'wasm heap exhausted' });
    expect(a.onStatus(run(3, 'interrupted', { resumable: true }), false).notice?.body).toMatch(/Resume it from its dashboard/);
    expect(a.onStatus(run(4, 'cancelled'), false).notice).toBeNull();
  });
  it('stays quiet for runs it never saw live, for repeats, and while the window has the focus', () => {
    const a = new RunAttention();
    expect(a.onStatus(run(5, 'completed'), false).notice).toBeNull();
    a.onStatus(run(6, 'running'), true);
    expect(a.onStatus(run(6, 'completed'), true).notice).toBeNull();
    a.onStatus(run(7, 'running'), false);
    expect(a.onStatus(run(7, 'failed'), false).notice).not.toBeNull();
    expect(a.onStatus(run(7, 'failed'), false).notice).toBeNull();
  });
});

describe('the app:// protocol', () => {
  let renderer: string;
  beforeAll(() => {
    renderer = join(dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>w</title>');
    writeFileSync(join(renderer, 'assets', 'index.js'), 'export {}');
    writeFileSync(join(dir, 'secret.txt'), 'not for the renderer');
  });
  it('serves the built renderer with the CSP on every response, and index.html for client routes', async () => {
    const js = await answerAppRequest(renderer, 'GET', 'app://workbench/assets/index.js');
    expect(js).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY } });
    expect(new TextDecoder().decode(js.body as Uint8Array)).toBe('export {}');
    const route = await answerAppRequest(renderer, 'GET', 'app://workbench/runs/3');
    expect(new TextDecoder().decode(route.body as Uint8Array)).toBe('<!doctype html><title>w</title>');
    expect(CONTENT_SECURITY_POLICY).toMatch(/connect-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/ws:|wss:/);
  });
  it('refuses paths outside the folder, other hosts and writes, with the CSP too', async () => {
    for (const [method, url, status] of [
      // The URL parser drops the dot segment, or the path is normalised from the root: either way it
      // names /secret.txt inside the renderer, which does not exist, so the answer is index.html.
      ['GET', 'app://workbench/%2e%2e/secret.txt', 200],
      ['GET', 'app://workbench/..%2fsecret.txt', 200],
      ['GET', 'app://workbench/%E0%A4%A', 400],
      ['GET', 'app://other/index.html', 404],
      ['POST', 'app://workbench/index.html', 405],
    ] as const) {
      const r = await answerAppRequest(renderer, method, url);
      expect(r.status, url).toBe(status);
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(String(r.body)).not.toContain('not for the renderer');
    }
  });
});
