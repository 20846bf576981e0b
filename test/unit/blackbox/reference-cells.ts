/** NAS-Bench-201 cells the evaluator tests score: every edge `none` (output independent of the input) and every edge a 3×3 conv. */
export const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
export const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';
