// Where the real-world OpenShift corpus is: `shared/` beside the project's root (as on developer machines and CI).

import { join } from 'node:path';

/** The 532 ImageStream files of the public OpenShift library. */
export const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'openshift-library');
