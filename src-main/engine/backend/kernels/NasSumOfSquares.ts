import { CPU, hostKernelConfig, type HostKernelFunc } from './host-kernel';
import { WASM } from './kernel-util';

/** Σ x² over every element of every input (gradient clipping's squared global norm), in one kernel call. */
export const NAS_SUM_OF_SQUARES = 'NasSumOfSquares';

/**
 * Inputs: the tensors as a NamedTensorMap of an array (as AddN takes them) → a float32 scalar. The
 * sum runs in float64, so it is at least as exact as tfjs's Square + Sum + AddN.
 */
const sumOfSquares: HostKernelFunc = ({ inputs, host }) => {
  const all = Object.values(inputs).filter((t) => t !== undefined);
  return host.compute(all, [[]], (ins, [out]) => {
    let total = 0;
    for (const values of ins) {
      for (let i = 0; i < values.length; i++) total += values[i] * values[i];
    }
    out[0] = total;
  })[0];
};

export const nasSumOfSquaresConfig = hostKernelConfig(NAS_SUM_OF_SQUARES, WASM, sumOfSquares);
export const nasSumOfSquaresCpuConfig = hostKernelConfig(NAS_SUM_OF_SQUARES, CPU, sumOfSquares);
