import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles the Peppol/CEN rule stylesheets to SEF once (cached in node_modules/.cache).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
  },
});
