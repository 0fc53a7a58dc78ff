// Change data for the "upstream moves again" step of the publish tests.
import type { PublishGroup } from '../../src/publish/publish.js';
import { changes } from '../render/pr-body.fixtures.js';

/** The group after python:3.12 moved again (to sha256:cccc…). */
export function movedAgain(branch: string, files: string[]): PublishGroup {
  const t = changes[0]!.tags[0]!;
  const to = {
    ...t.to!,
    image: `sha256:${'c'.repeat(64)}`,
    dockerImageReference: `docker.io/library/python@sha256:${'c'.repeat(64)}`,
  };
  return {
    key: 'default/python',
    branch,
    files,
    changes: [{ ...changes[0]!, tags: [{ ...t, to }] }],
    consumers: [],
  };
}
