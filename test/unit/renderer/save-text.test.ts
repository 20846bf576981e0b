// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { canPickFolder, pickDatasetFolder } from '../../../src-renderer/lib/desktop';
import { downloadPng, downloadText } from '../../../src-renderer/lib/save-text';

describe('saving in web mode (no desktop bridge)', () => {
  it('hands text and PNGs to the browser as downloads named as asked', async () => {
    const clicked: { download: string; href: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    try {
      expect(await downloadText('run-2-genotype.json', '{}', 'application/json')).toEqual({ saved: 'download' });
      expect(await downloadPng('chart.png', 'data:image/png;base64,iVBORw0KGgo=')).toEqual({ saved: 'download' });
    } finally {
      click.mockRestore();
    }
    expect(clicked.map((c) => c.download)).toEqual(['run-2-genotype.json', 'chart.png']);
    expect(clicked[0].href).toMatch(/^blob:/);
    expect(clicked[1].href).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(document.querySelectorAll('a').length).toBe(0);
  });
  it('has no folder picker, and says to type the path', async () => {
    expect(canPickFolder()).toBe(false);
    await expect(pickDatasetFolder()).rejects.toThrow(/type the dataset folder’s path/);
  });
});
