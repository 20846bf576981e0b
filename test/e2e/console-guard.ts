import type { Page } from '@playwright/test';

/**
 * Collects everything that should never happen on a page: console errors (Chromium prints CSP
 * violations there too), uncaught exceptions, and `securitypolicyviolation` events, which a page
 * script records before any of the app's code runs.
 */
export async function guardConsole(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  return async () => {
    const csp = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => []);
    return [...problems, ...csp.map((c) => `CSP violation: ${c}`)];
  };
}
