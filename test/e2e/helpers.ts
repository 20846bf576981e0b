import type { Locator, Page } from '@playwright/test';

/** How many points a chart holds, as the chart itself reported after its last render. */
export async function chartPoints(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-points')) ?? '0');
}

export function chart(page: Page, group: string): Locator {
  return page.locator(`[data-testid=metric-chart][data-group="${group}"]`);
}

/** Opens New run from the header and fills the given train fields (by config path). */
export async function fillNewRun(page: Page, fields: Record<string, string>): Promise<void> {
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  for (const [path, value] of Object.entries(fields)) await page.locator(`[data-field="${path}"]`).fill(value);
}

export function runIdFromUrl(page: Page): number {
  const m = /#\/runs\/(\d+)/.exec(page.url());
  if (!m) throw new Error(`not on a run dashboard: ${page.url()}`);
  return Number(m[1]);
}
