import { onBeforeUnmount, onMounted, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { chartTheme, onColorSchemeChange } from '../lib/chart-theme';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption, ParallelSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  ParallelComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';

echarts.use([
  LineChart, ScatterChart, HeatmapChart, ParallelChart, BarChart,
  GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, DataZoomInsideComponent, DataZoomSliderComponent, ParallelComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | ParallelSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
  | DataZoomComponentOption
>;

export type EChartHandle = {
  /** The live instance (null before mount and after unmount). */
  instance(): echarts.ECharts | null;
};

export type EChartOptions = {
  /**
   * The number written to `data-points` after each render; default: every point of every series.
   * A chart that draws derived series (a smoothed line, a band) counts only its data points.
   */
  points?: () => number;
  /** More `data-*` attributes written with it after each render (camelCase names, as `dataset`). */
  attributes?: () => Record<string, string>;
  /** Called once the instance exists, before the first option: the place to register event handlers. */
  setup?: (chart: echarts.ECharts) => void;
};

/**
 * Mounts an ECharts instance on `el`, feeds it `option` whenever it changes, resizes it with the window
 * and with the element, and disposes it on unmount. After every render it writes the number of points the chart holds to
 * `data-points` on the element (tests and the user's dev tools read it), and `data-theme` (light or
 * dark, lib/chart-theme.ts) when it draws.
 */
export function useEChart(el: Ref<HTMLElement | null>, option: MaybeRefOrGetter<ChartOption>, options: EChartOptions = {}): EChartHandle {
  let chart: echarts.ECharts | null = null;

  function countPoints(): number {
    if (options.points) return options.points();
    const series = (chart?.getOption() as { series?: { data?: unknown[] }[] } | undefined)?.series ?? [];
    return series.reduce((n, s) => n + (s.data?.length ?? 0), 0);
  }

  const onResize = (): void => chart?.resize();
  // The element's own size too: a chart first drawn hidden (v-show, a collapsed panel) is 0 px wide.
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(onResize);

  function draw(): void {
    if (!el.value) return;
    const theme = chartTheme();
    el.value.dataset.theme = theme ? 'dark' : 'light';
    chart = echarts.init(el.value, theme, { renderer: 'canvas' });
    // Registered before the first setOption: with animation off, 'finished' fires during it or never.
    chart.on('finished', () => {
      if (!el.value) return;
      el.value.dataset.points = String(countPoints());
      Object.assign(el.value.dataset, options.attributes?.() ?? {});
    });
    options.setup?.(chart);
    const first = toValue(option);
    seriesIds = idsOf(first);
    chart.setOption(first);
  }
  // ECharts fixes the theme at init: a switch of the system's light/dark setting redraws the chart.
  let stopThemeWatch = (): void => {};

  onMounted(() => {
    if (!el.value) return;
    draw();
    stopThemeWatch = onColorSchemeChange(() => {
      chart?.dispose();
      draw();
    });
    window.addEventListener('resize', onResize);
    observer?.observe(el.value);
  });

  // The option getter reads every point it maps, so a pushed point re-runs it. When the series are
  // the same ones (new points, a zoom window's detail) they are merged by id, which updates their data
  // in place (cheaper while panning); otherwise series and parallel axes are replaced, so a removed
  // key or dimension disappears. The zoom window is always merged, so it stays.
  let seriesIds = '';
  const idsOf = (o: ChartOption): string =>
    JSON.stringify([((o.series ?? []) as { id?: string }[]).map((s) => s.id), ((o as { parallelAxis?: unknown[] }).parallelAxis ?? []).length]);
  watch(() => toValue(option), (next) => {
    const ids = idsOf(next);
    chart?.setOption(next, ids === seriesIds ? {} : { replaceMerge: ['series', 'parallelAxis'] });
    seriesIds = ids;
  });

  onBeforeUnmount(() => {
    stopThemeWatch();
    window.removeEventListener('resize', onResize);
    observer?.disconnect();
    chart?.dispose();
    chart = null;
  });

  return { instance: () => chart };
}
