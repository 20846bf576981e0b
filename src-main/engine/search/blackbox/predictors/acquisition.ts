import type { Rng } from '../../../../../src-shared/model/rng';
import type { Prediction } from './predictor';

export const ACQUISITIONS = ['its', 'ei', 'ucb', 'pi'] as const;
export type Acquisition = (typeof ACQUISITIONS)[number];

/** NASLib's BANANAS constants: UCB's exploration factor and EI's calibration of the ensemble's spread. */
const UCB_EXPLORE = 0.5;
const EI_CALIBRATION = 5;

/**
 * Acquisition values (higher is better) for predicted cells, given the best metric queried so far.
 * ITS: independent Thompson sampling, one draw from N(mean, std) per cell; UCB: mean + 0.5·std;
 * EI: expected improvement with std / 5 (NASLib); PI: probability of improvement.
 */
export function acquire(kind: Acquisition, p: Prediction, best: number, rng: Rng): Float64Array {
  const out = new Float64Array(p.mean.length);
  for (let i = 0; i < out.length; i++) {
    const mu = p.mean[i];
    const sd = p.std[i];
    switch (kind) {
      case 'its':
        out[i] = mu + sd * rng.normal();
        break;
      case 'ucb':
        out[i] = mu + UCB_EXPLORE * sd;
        break;
      case 'ei': {
        const s = sd / EI_CALIBRATION;
        if (s === 0) out[i] = Math.max(mu - best, 0);
        else {
          const gam = (mu - best) / s;
          out[i] = s * (gam * normalCdf(gam) + Math.exp(-0.5 * gam * gam) / Math.sqrt(2 * Math.PI));
        }
        break;
      }
      case 'pi':
        out[i] = sd === 0 ? (mu > best ? 1 : 0) : normalCdf((mu - best) / sd);
        break;
    }
  }
  return out;
}

/** Standard normal CDF through erf (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
