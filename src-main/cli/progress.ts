import type { MetricPoint } from '../../src-shared/model/metrics';
import { estimateSecondsLeft } from '../../src-shared/model/time-left';

const BAR_WIDTH = 28;

/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per tenth of the run
 * otherwise (CI logs), with the latest loss/accuracy and an ETA.
 */
export class ProgressBar {
  private readonly startedAt = Date.now();
  private readonly latest = new Map<string, number>();
  private lastTenth = -1;
  private readonly tty = Boolean(process.stderr.isTTY);

  observe(points: MetricPoint[]): void {
    for (const p of points) this.latest.set(p.key, p.value);
  }

  update(done: number, total: number): void {
    if (total <= 0) return;
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * BAR_WIDTH);
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const eta = estimateSecondsLeft(done, total, elapsed);
    const stats = ['train.loss', 'train.acc', 'valid.loss', 'valid.acc', 'test.acc', 'search.best_val']
      .filter((k) => this.latest.has(k))
      .map((k) => `${k} ${this.latest.get(k)!.toFixed(3)}`)
      .join('  ');
    const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}  ${stats}  ${
      eta !== null ? `ETA ${Math.round(eta)}s` : ''
    }`;
    if (this.tty) process.stderr.write(`\r${line.padEnd(120)}`);
    else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== this.lastTenth) {
        this.lastTenth = tenth;
        process.stderr.write(`${line}\n`);
      }
    }
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
