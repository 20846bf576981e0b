// Float64 references written from the definitions (scatter form: every output tap adds its
// product), independent of the kernels' gather loops and of tfjs's geometry code.
export interface Window {
  n: number; h: number; w: number; c: number; co: number;
  fh: number; fw: number; sh: number; sw: number; dh: number; dw: number;
  pt: number; pb: number; pl: number; pr: number; oh: number; ow: number;
}

export type Pad = 'same' | 'valid' | [[number, number], [number, number]];

/** PyTorch/TF arithmetic for one spatial axis. */
function axis(size: number, k: number, s: number, d: number, pad: 'same' | 'valid' | [number, number]) {
  const span = (k - 1) * d + 1;
  if (pad === 'valid') return { before: 0, after: 0, out: Math.ceil((size - span + 1) / s) };
  if (pad === 'same') {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + span - size, 0);
    return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), out };
  }
  return { before: pad[0], after: pad[1], out: Math.floor((size + pad[0] + pad[1] - span) / s) + 1 };
}

export function windowOf(xShape: number[], k: [number, number], co: number, s: [number, number], d: [number, number], pad: Pad): Window {
  const [n, h, w, c] = xShape;
  const y = axis(h, k[0], s[0], d[0], pad === 'same' || pad === 'valid' ? pad : pad[0]);
  const x = axis(w, k[1], s[1], d[1], pad === 'same' || pad === 'valid' ? pad : pad[1]);
  return { n, h, w, c, co, fh: k[0], fw: k[1], sh: s[0], sw: s[1], dh: d[0], dw: d[1], pt: y.before, pb: y.after, pl: x.before, pr: x.after, oh: y.out, ow: x.out };
}

/** Calls visit(outIndex, inPixel (b,iy,ix) flat index) for every in-bounds tap of every output pixel. */
function taps(g: Window, visit: (b: number, oy: number, ox: number, kh: number, kw: number, inPixel: number) => void): void {
  for (let b = 0; b < g.n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let kh = 0; kh < g.fh; kh++)
          for (let kw = 0; kw < g.fw; kw++) {
            const iy = oy * g.sh - g.pt + kh * g.dh;
            const ix = ox * g.sw - g.pl + kw * g.dw;
            if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) visit(b, oy, ox, kh, kw, (b * g.h + iy) * g.w + ix);
          }
}

const outPixel = (g: Window, b: number, oy: number, ox: number) => (b * g.oh + oy) * g.ow + ox;

export function depthwise(g: Window, x: ArrayLike<number>, f: ArrayLike<number>, dy: ArrayLike<number>) {
  const out = new Float64Array(g.n * g.oh * g.ow * g.c);
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const df = new Float64Array(g.fh * g.fw * g.c);
  taps(g, (b, oy, ox, kh, kw, p) => {
    const o = outPixel(g, b, oy, ox);
    for (let ch = 0; ch < g.c; ch++) {
      const fi = (kh * g.fw + kw) * g.c + ch;
      out[o * g.c + ch] += x[p * g.c + ch] * f[fi];
      dx[p * g.c + ch] += dy[o * g.c + ch] * f[fi];
      df[fi] += dy[o * g.c + ch] * x[p * g.c + ch];
    }
  });
  return { out, dx, df };
}

export function conv(g: Window, x: ArrayLike<number>, f: ArrayLike<number>, dy: ArrayLike<number>) {
  const out = new Float64Array(g.n * g.oh * g.ow * g.co);
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const df = new Float64Array(g.fh * g.fw * g.c * g.co);
  taps(g, (b, oy, ox, kh, kw, p) => {
    const o = outPixel(g, b, oy, ox);
    for (let i = 0; i < g.c; i++)
      for (let j = 0; j < g.co; j++) {
        const fi = ((kh * g.fw + kw) * g.c + i) * g.co + j;
        out[o * g.co + j] += x[p * g.c + i] * f[fi];
        dx[p * g.c + i] += dy[o * g.co + j] * f[fi];
        df[fi] += dy[o * g.co + j] * x[p * g.c + i];
      }
  });
  return { out, dx, df };
}

/** dy flows to the first strictly largest element of each window. */
export function maxPoolGrad(g: Window, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const best = new Map<string, { v: number; p: number }>();
  taps(g, (b, oy, ox, _kh, _kw, p) => {
    for (let ch = 0; ch < g.c; ch++) {
      const key = `${b},${oy},${ox},${ch}`;
      const v = x[p * g.c + ch];
      const cur = best.get(key);
      if (cur === undefined || v > cur.v) best.set(key, { v, p });
    }
  });
  for (const [key, { p }] of best) {
    const [b, oy, ox, ch] = key.split(',').map(Number);
    dx[p * g.c + ch] += dy[outPixel(g, b, oy, ox) * g.c + ch];
  }
  return dx;
}

/** excludePad: divide by the in-bounds taps of each window; else by fh·fw. */
export function avgPoolGrad(g: Window, dy: ArrayLike<number>, excludePad: boolean): Float64Array {
  const dx = new Float64Array(g.n * g.h * g.w * g.c);
  const count = new Float64Array(g.n * g.oh * g.ow);
  taps(g, (b, oy, ox) => { count[outPixel(g, b, oy, ox)] += 1; });
  taps(g, (b, oy, ox, _kh, _kw, p) => {
    const o = outPixel(g, b, oy, ox);
    const divisor = excludePad ? count[o] : g.fh * g.fw;
    for (let ch = 0; ch < g.c; ch++) dx[p * g.c + ch] += dy[o * g.c + ch] / divisor;
  });
  return dx;
}

export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = s;
    }
  return out;
}

/** Largest |actual − expected| / (1 + |expected|). */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  return worst;
}
