// Runs a fast-check property with a seed that is printed on failure (rerun with FC_SEED=<seed>); FC_RUNS_FACTOR
// multiplies the number of runs for a deeper local search.

import fc from 'fast-check';

/** Asserts `property` over `numRuns` generated inputs; a failure names the seed and the shrunk input. */
export async function check<T>(
  property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>,
  numRuns: number,
  examples: T[] = [],
): Promise<void> {
  const seed = process.env.FC_SEED
    ? Number(process.env.FC_SEED)
    : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
  try {
    // FC_RUNS_FACTOR=20 runs a deeper search locally; CI keeps the few-second default.
    const runs = Math.round(numRuns * Number(process.env.FC_RUNS_FACTOR ?? 1));
    await fc.assert(property as fc.IAsyncPropertyWithHooks<T>, { seed, numRuns: runs, examples });
  } catch (e) {
    const err = e as Error;
    err.message = `property failed with seed ${seed} (rerun with FC_SEED=${seed}):\n${err.message}`;
    throw err;
  }
}
