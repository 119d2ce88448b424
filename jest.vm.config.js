/**
 * The boot lab's scenarios (npm run lab:test:vm): the load balancers as QEMU VMs booting
 * the synthesized user-data (lab/vm/), one at a time, on the release
 * EXCHANGE_LB_LAB_DEBIAN names (default 13). Needs scripts/vm-image.sh's image.
 */
module.exports = {
  displayName: `boot lab, Debian ${process.env.EXCHANGE_LB_LAB_DEBIAN || "13"}`,
  testEnvironment: "node",
  roots: ["<rootDir>/lab/vm/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  globalTeardown: "<rootDir>/lab/test/global-teardown.ts",
  testSequencer: "<rootDir>/lab/test/sequencer.js",
  maxWorkers: 1,
  testTimeout: 600000,
};
