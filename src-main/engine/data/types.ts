/** One split of an image dataset: `count` images of shape [h, w, c] in NHWC byte order, and their labels. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Per-channel constants applied as (pixel / 255 - mean) / std. */
export interface Normalization {
  mean: number[];
  std: number[];
}

export type ImageShape = [height: number, width: number, channels: number];
