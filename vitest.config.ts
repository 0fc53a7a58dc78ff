import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on real servers (registry, git http-backend): two files at a time keep both cores busy (the
    // default here would be one worker on a 2-core machine).
    maxWorkers: 2,
    // @actions/workflow-parser imports its schema JSON without an import attribute, which Node rejects;
    // inlined, vite transforms that import (test/docs/blocks.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
