/** The lab scenarios (npm run lab:test): real servers in network namespaces, one at a time. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/lab/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  globalSetup: "<rootDir>/lab/test/global-setup.ts",
  globalTeardown: "<rootDir>/lab/test/global-teardown.ts",
  testSequencer: "<rootDir>/lab/test/sequencer.js",
  maxWorkers: 1,
  testTimeout: 240000,
};
