/**
 * ECharts' own default palette, named so a derived series (a smoothed line, a seed group's band)
 * takes its source's colour. Mid-tone colours that read on light and dark backgrounds alike.
 */
export const CHART_COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'] as const;

export function chartColor(index: number): string {
  return CHART_COLORS[index % CHART_COLORS.length];
}
