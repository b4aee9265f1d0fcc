// Unit tests sit next to the code (src/, emulator/) or in test/unit; integration tests need the local stack.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/emulator/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Bundles src/ once per run: integration tests run those bundles, not the committed dist/.
      globalSetup: '<rootDir>/test/global-setup.ts',
      slowTestThreshold: 30,
    },
  ],
};
