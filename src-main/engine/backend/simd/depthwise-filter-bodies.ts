import { ins, op, type FunctionDef } from './encoder';
import { madd } from './generated';
import { add, c, get, set, sub, tee } from './loops';

/**
 * The depthwise filter gradient (channel multiplier 1, NHWC, C a multiple of 4) generated for one
 * geometry: dW[i, j, c] = Σ_{b, oy, ox} x[b, oy·sh + i·dh − top, ox·sw + j·dw − left, c] · dy[b, oy, ox, c].
 * A call sums one tap row i × a group of G channel vectors (f32x4) for all fw taps, fw·G
 * accumulators in v128 locals: per output pixel the G dy vectors are loaded once and each valid
 * tap's x vectors are read at a constant offset and fed to a multiply-add. Which taps of a row are
 * in the padding depends on the output column only, so the columns are cut into segments with one
 * set of valid taps each, known when the code is generated: no checks in the loops.
 */
export interface FilterGradientGeometry {
  channels: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationWidth: number;
  filterWidth: number;
  left: number;
}

/** A run of output columns [first, end) whose valid taps are [jLo, jHi). */
interface ColumnSegment {
  first: number;
  end: number;
  jLo: number;
  jHi: number;
}

/**
 * v128 registers TurboFan can allocate on x64 (16 xmm, one kept as scratch). It keeps a loop
 * iteration's loads in program order but sinks the multiply-adds to the back-edge, so all G·(fw + 1)
 * loaded x and dy vectors are live together with the fw·G accumulators (measured, docs/simd-kernels.md).
 */
const V128_REGISTERS = 15;

/** The widest channel group (in f32x4 vectors) with G·(2·fw + 1) ≤ 15 live vectors; 0 if none (fw > 7). */
export function maxGroupVectors(filterWidth: number): number {
  return Math.floor(V128_REGISTERS / (2 * filterWidth + 1));
}

/** C/4 vectors cut into near-equal groups of at most maxGroupVectors: [first vector, vectors]. */
export function channelGroups(channels: number, filterWidth: number): Array<[number, number]> {
  const vectors = channels / 4;
  const count = Math.ceil(vectors / maxGroupVectors(filterWidth));
  const size = Math.ceil(vectors / count);
  const groups: Array<[number, number]> = [];
  for (let first = 0; first < vectors; first += size) groups.push([first, Math.min(size, vectors - first)]);
  return groups;
}

export function columnSegments(g: FilterGradientGeometry): ColumnSegment[] {
  const { inWidth: w, outWidth: ow, strideWidth: sw, dilationWidth: dw, filterWidth: fw, left } = g;
  const segments: ColumnSegment[] = [];
  for (let ox = 0; ox < ow; ox++) {
    let jLo = 0;
    while (jLo < fw && ox * sw + jLo * dw - left < 0) jLo++;
    let jHi = jLo;
    while (jHi < fw && ox * sw + jHi * dw - left < w) jHi++;
    const last = segments[segments.length - 1];
    if (last !== undefined && last.jLo === jLo && last.jHi === jHi) last.end = ox + 1;
    else segments.push({ first: ox, end: ox + 1, jLo, jHi });
  }
  return segments.filter((s) => s.jHi > s.jLo);
}

/** The function name of the body for a channel group of `vectors` f32x4 vectors. */
export const groupFunctionName = (vectors: number) => `group${vectors}`;

/**
 * group<G>(x, dy, acc, images, rows): acc[j, 16v bytes] = Σ over `images` images × `rows` output
 * rows × all output columns of x · dy for tap j of the row; x points at the first row's x row
 * (y = oy·sh + i·dh − top, valid for every row summed) and the group's first channel, dy at that
 * output row's pixel 0 and the same channel, acc at dW[i, 0, group channel]. Pointers in bytes.
 */
export function filterGradientFunction(g: FilterGradientGeometry, vectors: number): FunctionDef {
  const { channels, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, dilationWidth: dw, filterWidth: fw, left } = g;
  const [x, dy, acc, images, rows] = [0, 1, 2, 3, 4];
  const [xrow, drow, r, px, pd, count] = [5, 6, 7, 8, 9, 10];
  const dyv = Array.from({ length: vectors }, (_, v) => 11 + v);
  const sums = Array.from({ length: fw * vectors }, (_, t) => 11 + vectors + t);
  const sum = (j: number, v: number) => sums[j * vectors + v];
  const cb = channels * 4;
  const xcol = (ox: number, j: number) => ox * sw + j * dw - left;
  const groupVectors = Array.from({ length: vectors }, (_, v) => v);

  /** One output pixel: dy vectors at dOffset from dPtr, tap jLo's x at xOffset from xPtr. */
  const pixel = (xPtr: number, xOffset: number, dPtr: number, dOffset: number, s: ColumnSegment) => [
    ...groupVectors.flatMap((v) => [...get(dPtr), ...ins.loadAt(dOffset + 16 * v), ...set(dyv[v])]),
    ...Array.from({ length: s.jHi - s.jLo }, (_, t) => s.jLo + t).flatMap((j) =>
      groupVectors.flatMap((v) => [
        ...madd([...get(xPtr), ...ins.loadAt(xOffset + (j - s.jLo) * dw * cb + 16 * v)], get(dyv[v]), get(sum(j, v))),
        ...set(sum(j, v)),
      ]),
    ),
  ];
  // One pixel per loop iteration: TurboFan keeps a basic block's loads in program order but sinks
  // the multiply-adds to their uses, so an unrolled row loads every x and dy vector of the row
  // first and spills them (2.4× slower, measured); a loop's back-edge bounds that to one pixel.
  const segment = (s: ColumnSegment): number[] => {
    if (s.end - s.first === 1) return pixel(xrow, xcol(s.first, s.jLo) * cb, drow, s.first * cb, s);
    return [
      ...get(xrow), ...c(xcol(s.first, s.jLo) * cb), ...add, ...set(px),
      ...get(drow), ...c(s.first * cb), ...add, ...set(pd),
      ...c(s.end - s.first), ...set(count),
      op.loop, op.voidType,
      ...pixel(px, 0, pd, 0, s),
      ...get(px), ...c(sw * cb), ...add, ...set(px),
      ...get(pd), ...c(cb), ...add, ...set(pd),
      ...get(count), ...c(1), ...sub, ...tee(count), op.brIf, 0,
      op.end,
    ];
  };
  const body = [
    op.loop, op.voidType,
    ...get(x), ...set(xrow),
    ...get(dy), ...set(drow),
    ...get(rows), ...set(r),
    op.loop, op.voidType,
    ...columnSegments(g).flatMap(segment),
    ...get(xrow), ...c(sh * w * cb), ...add, ...set(xrow),
    ...get(drow), ...c(ow * cb), ...add, ...set(drow),
    ...get(r), ...c(1), ...sub, ...tee(r), op.brIf, 0,
    op.end,
    ...get(x), ...c(h * w * cb), ...add, ...set(x),
    ...get(dy), ...c(oh * ow * cb), ...add, ...set(dy),
    ...get(images), ...c(1), ...sub, ...tee(images), op.brIf, 0,
    op.end,
    // v128 locals start at zero, so taps no pixel reaches store zeros.
    ...Array.from({ length: fw }, (_, j) => j).flatMap((j) =>
      groupVectors.flatMap((v) => [...get(acc), ...get(sum(j, v)), ...ins.storeAt(j * cb + 16 * v)]),
    ),
  ];
  return { name: groupFunctionName(vectors), params: 5, locals: 6, vectorLocals: vectors + fw * vectors, body };
}

/** One function per distinct channel-group width; cache key for generatedKernels. */
export function filterGradientModule(g: FilterGradientGeometry): { key: string; build: () => FunctionDef[] } {
  const widths = [...new Set(channelGroups(g.channels, g.filterWidth).map(([, vectors]) => vectors))];
  const { channels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationWidth, filterWidth, left } = g;
  const key = `depthwise-filter:${[channels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationWidth, filterWidth, left].join(',')}`;
  return { key, build: () => widths.map((vectors) => filterGradientFunction(g, vectors)) };
}
