// V8 sizes its heap for throughput: the young generation grows to 32 MB and the old one to two to four times
// what survived the last full collection. A reconcile of 10,000 tags keeps 30-40 MB alive, yet its heap grew to
// 110-130 MB before a full collection ran, and peak RSS with it (issue #17: under 150 MB at 10,000 tags). Both
// flags are read each time V8 resizes, so they hold when set at start-up from inside the process (a shebang
// cannot pass flags portably). Measured on a 10,000-tag no-op: peak RSS 168 MB → 131 MB, CPU about 10% more.
// The young generation's 1 MB costs ~550-600 scavenges on a 10,000-tag no-op; alternatives measured (issue #17,
// 10,000 tags with a consumer per tag, one run each): letting it grow (growth factor 2) cut scavenge pauses from
// ~480 to ~170 ms but peak RSS reached 176 MB on the run that moves every tag and 156 MB on its no-op; a fixed
// semi-space from the command line (not available to a shebang) of 4 MB reached 152 MB moved, of 2 MB 145 MB;
// --min/--max-semi-space-size set from inside the process change nothing (V8 reads them when it sets the heap
// up); growing to 2 MB and then setting the factor to 1 changed nothing either (V8 shrinks the space back);
// --no-parallel-scavenge: CPU 0.99× (9 pairs, 1,000 tags), not measurable. So the flags stay as they are.
// bin/imagestreams.js sets them once the command's code has loaded (main's `loaded` hook): by then the young
// generation has grown to a few MB (4 MB for reconcile), which halves the scavenges
// before the first request (after that V8 shrinks it back, as said above).

import { setFlagsFromString } from 'node:v8';

/** The flags, exported for the test that checks they take effect. */
export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=30'] as const;

let bounded = false;

/** Keep the young generation at its start size and the old one within 1.3× its live data (once per process). */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}
