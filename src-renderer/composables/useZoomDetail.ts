import { computed, getCurrentScope, onScopeDispose, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import type { ECharts } from 'echarts/core';
import { useApi } from '../api/current';
import { mergeDetail, stepRangeFor, xExtent, type XAxisKind } from '../lib/chart-data';
import { fromQuery, type SeriesData } from '../lib/series-buffer';

/** Points per key asked of the store for a zoomed window: about one per horizontal pixel of a chart. */
export const DETAIL_MAX_POINTS = 1000;
/** Wheel and slider fire many dataZoom events: the fetch waits for this pause in them. */
const ZOOM_SETTLE_MS = 120;

export type ZoomDetail = { fromStep: number; toStep: number; series: Record<string, SeriesData> };

export type ZoomDetailSource = {
  runId: () => number | null;
  keys: () => readonly string[];
  overview: () => Record<string, SeriesData>;
  axis: () => XAxisKind;
};

export type ZoomDetailState = {
  /** The window fetched at full detail, null when the chart is zoomed out (or has no run to ask). */
  detail: ShallowRef<ZoomDetail | null>;
  /** 'none' zoomed out, 'loading' a window is being fetched, 'ready' the window's detail is drawn. */
  state: ShallowRef<'none' | 'loading' | 'ready'>;
  /** The overview with the window replaced by its detail: what the chart draws. */
  merged: ComputedRef<Record<string, SeriesData>>;
  /** Hooks the chart's dataZoom event (pass to useEChart's setup). */
  attach(chart: ECharts): void;
  /** Forgets the window (the x axis changed). */
  reset(chart: ECharts | null): void;
};

type ZoomWindow = { start?: number; end?: number };

/**
 * Zoom and pan that show full detail: the store downsamples a run's series for the overview, so on
 * each zoom or pan (once the events settle) the visible x window is mapped to its step range and
 * that range is asked of `metrics.query` at DETAIL_MAX_POINTS per key. A reply for a window the
 * user has already left is dropped. While a button is held on the chart (a drag pan, the slider)
 * nothing is fetched and a reply in flight is dropped: applying a window's detail redraws every
 * series, a frame of 100 ms and more under load, so the window is fetched once the button is released.
 */
export function useZoomDetail(source: ZoomDetailSource): ZoomDetailState {
  const detail = shallowRef<ZoomDetail | null>(null);
  const state = shallowRef<'none' | 'loading' | 'ready'>('none');
  let timer: ReturnType<typeof setTimeout> | null = null;
  let asked = 0;
  /** A button is held on the chart, and whether the window moved meanwhile. */
  let dragging = false;
  let movedWhileDragging = false;

  const merged = computed(() => {
    const overview = source.overview();
    const d = detail.value;
    if (!d) return overview;
    const out: Record<string, SeriesData> = {};
    for (const key of Object.keys(overview)) out[key] = d.series[key] ? mergeDetail(overview[key], d.series[key], d.fromStep, d.toStep) : overview[key];
    return out;
  });

  async function fetchWindow(chart: ECharts): Promise<void> {
    const zoom = ((chart.getOption() as { dataZoom?: ZoomWindow[] }).dataZoom ?? [])[0];
    const start = zoom?.start ?? 0;
    const end = zoom?.end ?? 100;
    const runId = source.runId();
    const ticket = ++asked;
    const keys = source.keys();
    const overview = source.overview();
    const present = keys.map((k) => overview[k]).filter((s) => s !== undefined);
    const extent = xExtent(present, source.axis());
    if (runId === null || (start <= 0 && end >= 100) || !extent) {
      detail.value = null;
      state.value = 'none';
      return;
    }
    // The axis spans the data (min/max 'dataMin'/'dataMax'): the window's percentages are of that extent.
    const [lo, hi] = extent;
    const xFrom = lo + ((hi - lo) * start) / 100;
    const xTo = lo + ((hi - lo) * end) / 100;
    // The longest series maps x to steps best.
    const reference = [...present].sort((a, b) => b.steps.length - a.steps.length)[0];
    const range = stepRangeFor(reference, source.axis(), xFrom, xTo);
    if (!range) return;
    state.value = 'loading';
    const reply = await useApi().request('metrics.query', { runId, keys: [...keys], ...range, maxPoints: DETAIL_MAX_POINTS });
    if (ticket !== asked) return;
    detail.value = { ...range, series: fromQuery(reply) };
    state.value = 'ready';
  }

  function schedule(chart: ECharts): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fetchWindow(chart).catch(() => {
        // A failed detail fetch leaves the overview drawn; the next zoom tries again.
        state.value = detail.value ? 'ready' : 'none';
      });
    }, ZOOM_SETTLE_MS);
  }

  function attach(chart: ECharts): void {
    chart.on('datazoom', () => {
      if (dragging) movedWhileDragging = true;
      else schedule(chart);
    });
    chart.getZr().on('mousedown', () => {
      dragging = true;
      movedWhileDragging = false;
      // A reply for the window being left would land mid-drag: dropped, the window is asked again on release.
      if (timer) clearTimeout(timer);
      timer = null;
      asked++;
    });
    attached = chart;
  }

  // Released anywhere (a drag often ends outside the chart). The chart attached last is the live one
  // (a light/dark switch re-creates it).
  let attached: ECharts | null = null;
  const release = (): void => {
    if (!dragging) return;
    dragging = false;
    if (attached && !attached.isDisposed() && (movedWhileDragging || state.value === 'loading')) schedule(attached);
  };
  window.addEventListener('pointerup', release);
  window.addEventListener('pointercancel', release);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      window.removeEventListener('pointerup', release);
      window.removeEventListener('pointercancel', release);
      if (timer) clearTimeout(timer);
    });
  }

  function reset(chart: ECharts | null): void {
    asked++;
    detail.value = null;
    state.value = 'none';
    chart?.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
  }

  return { detail, state, merged, attach, reset };
}
