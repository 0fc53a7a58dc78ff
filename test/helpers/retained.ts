// How much of the heap a set of kept values holds on to, after a full collection: for tests that a value cut from a
// large text does not keep that text alive (V8 keeps a slice of 13 or more characters as a view of its parent).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** A full garbage collection (exposed once per process through V8's flag). */
export function collect(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

/** Bytes of heap still used by what `make` returns, measured after full collections (the result kept alive). */
export function retainedBytes<T>(make: () => T): { bytes: number; kept: T } {
  collect();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  collect();
  const bytes = process.memoryUsage().heapUsed - before;
  return { bytes, kept };
}
