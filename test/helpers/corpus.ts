// Where the real-world OpenShift corpus is: vendored under test/fixtures (see its README.md for source and licence).

import { join } from 'node:path';

/** The 532 ImageStream files of the public OpenShift library (openshift/library, Apache-2.0). */
export const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'openshift-library');
