/** The system's dark-mode setting, as CSS sees it (styles.css switches its colours on the same query). */
export const DARK_QUERY = '(prefers-color-scheme: dark)';

export function prefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

const text = '#dfe3ea';
const muted = '#98a1b0';
const line = '#3a4456';
const axis = { axisLine: { lineStyle: { color: muted } }, axisTick: { lineStyle: { color: muted } }, axisLabel: { color: muted }, splitLine: { lineStyle: { color: line } }, nameTextStyle: { color: muted }, splitArea: { areaStyle: { color: ['rgba(255,255,255,0.02)', 'rgba(255,255,255,0.05)'] } } };

/**
 * ECharts' colours for the dark mode: light text and grid lines on a transparent background (the
 * panel's own colour shows through), series in colours that read on it. Light mode keeps ECharts'
 * default theme.
 */
export const DARK_CHART_THEME = {
  backgroundColor: 'transparent',
  color: ['#6d9cf0', '#5cc27a', '#e0a84e', '#f07b70', '#b39ae8', '#4fc4cf', '#e58fc7', '#c5c97a'],
  textStyle: { color: text },
  legend: { textStyle: { color: text }, inactiveColor: '#5b6475' },
  tooltip: { backgroundColor: '#222a37', borderColor: line, textStyle: { color: text } },
  visualMap: { textStyle: { color: text } },
  categoryAxis: axis,
  valueAxis: axis,
  logAxis: axis,
  timeAxis: axis,
};

/** The theme a chart starts with: the dark one when the system asks for dark mode, else ECharts' default. */
export function chartTheme(): object | undefined {
  return prefersDark() ? DARK_CHART_THEME : undefined;
}

/** Calls `onChange` whenever the system switches between light and dark; returns the unsubscribe. */
export function onColorSchemeChange(onChange: () => void): () => void {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
