/** Jest runs TypeScript through esbuild (no type-checking here: `npm run typecheck` does that). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js',
    // marked (the GFM renderer the plan-review tests use) ships ES modules only: esbuild makes it CommonJS.
    '/node_modules/marked/.+\\.js$': '<rootDir>/test/support/esbuild-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!marked/)'],
  // One synth of every environment, shared by every test file through TEST_SYNTH_OUT.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // cdktf's token traces unmapped, errors mapped (the file says why).
  setupFilesAfterEnv: ['<rootDir>/test/support/unmapped-captured-traces.js'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 60000,
};
