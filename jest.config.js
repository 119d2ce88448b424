/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  // haproxy -c, cloud-init schema, terraform and npm pack run as real processes.
  testTimeout: 120000,
};
