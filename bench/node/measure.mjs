// The timing harness the Node benchmark scripts share: warm up, then timed rounds of at least
// roundMs each; the figure is the median (and mean, SD) over rounds of the time per operation.

import { performance } from 'node:perf_hooks';

/**
 * Runs `pass` (sync or async; it may return a number to keep the JIT from eliding work) until warm,
 * then `rounds` rounds of at least roundMs; returns ms per pass for each round.
 */
export async function measure(pass, { rounds, roundMs, warmupMs }) {
  let sink = 0;
  const warmStart = performance.now();
  let warmPasses = 0;
  while (warmPasses < 5 || performance.now() < warmStart + warmupMs) {
    sink += (await pass()) ?? 0;
    warmPasses++;
  }
  const passesPerRound = Math.max(1, Math.ceil(roundMs / ((performance.now() - warmStart) / warmPasses)));
  const perPass = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < passesPerRound; i++) {
      sink += (await pass()) ?? 0;
    }
    perPass.push((performance.now() - start) / passesPerRound);
  }
  return { perPass, passesPerRound, sink };
}

/**
 * For operations that consume their input (decrypting a message uses its key up): each round first
 * prepares a batch untimed, then times `run` over it. The batch size is set from the warm-up so a
 * round lasts at least roundMs. Returns ms per item for each round.
 */
export async function measureBatches(prepare, run, { rounds, roundMs, warmupMs }) {
  let sink = 0;
  let size = 16;
  let perItem = Infinity;
  const warmStart = performance.now();
  while (performance.now() < warmStart + warmupMs || perItem === Infinity) {
    const batch = await prepare(size);
    const start = performance.now();
    sink += (await run(batch)) ?? 0;
    perItem = (performance.now() - start) / size;
    size = Math.min(size * 2, 1 << 16);
  }
  const batchSize = Math.max(16, Math.ceil(roundMs / perItem));
  const perPass = [];
  for (let round = 0; round < rounds; round++) {
    const batch = await prepare(batchSize);
    const start = performance.now();
    sink += (await run(batch)) ?? 0;
    perPass.push((performance.now() - start) / batchSize);
  }
  return { perPass, passesPerRound: batchSize, sink };
}

/** Median, mean and sample standard deviation of the per-pass times, in ms. */
export function statistics(perPass) {
  const sorted = [...perPass].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const meanMs = perPass.reduce((sum, ms) => sum + ms, 0) / perPass.length;
  const stdDevMs = Math.sqrt(perPass.reduce((sum, ms) => sum + (ms - meanMs) ** 2, 0) / Math.max(1, perPass.length - 1));
  return { medianMs, meanMs, stdDevMs };
}
