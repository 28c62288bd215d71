import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/*.integ.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Synth tests bundle with esbuild and run cdk-nag: keep them in their own workers.
    pool: 'forks',
  },
});
