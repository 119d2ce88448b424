/**
 * The lab scenarios (npm run lab:test): real servers in network namespaces, one at a time,
 * on the release EXCHANGE_LB_LAB_DEBIAN names (lab/release.ts; global-setup prints its versions).
 */
module.exports = {
  displayName: `Debian ${process.env.EXCHANGE_LB_LAB_DEBIAN || "13"}`,
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
