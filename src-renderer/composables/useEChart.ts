import { onBeforeUnmount, onMounted, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import * as echarts from 'echarts/core';
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { chartTheme, onColorSchemeChange } from '../lib/chart-theme';
import type { ComposeOption } from 'echarts/core';
import type { HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';

echarts.use([LineChart, ScatterChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/**
 * Mounts an ECharts instance on `el`, feeds it `option` whenever it changes, resizes it with the window
 * and with the element, and disposes it on unmount. After every render it writes the number of points the chart holds to
 * `data-points` on the element (tests and the user's dev tools read it), and `data-theme` (light or
 * dark, lib/chart-theme.ts) when it draws.
 */
export function useEChart(el: Ref<HTMLElement | null>, option: MaybeRefOrGetter<ChartOption>): void {
  let chart: echarts.ECharts | null = null;

  function countPoints(): number {
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
      if (el.value) el.value.dataset.points = String(countPoints());
    });
    chart.setOption(toValue(option));
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

  // The option getter reads every point it maps, so a pushed point re-runs it.
  watch(() => toValue(option), (next) => chart?.setOption(next, { replaceMerge: ['series'] }));

  onBeforeUnmount(() => {
    stopThemeWatch();
    window.removeEventListener('resize', onResize);
    observer?.disconnect();
    chart?.dispose();
    chart = null;
  });
}
