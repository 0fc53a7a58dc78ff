import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // @actions/workflow-parser imports its schema JSON without an import attribute, which Node rejects;
    // inlined, vite transforms that import (test/docs/blocks.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
