/**
 * The unit tests that synthesize, run against CDK Terrain: every import of
 * cdktf and @cdktf/provider-aws (the library's, through lib/framework.ts, and
 * the tests' own) loads cdktn and @cdktn/provider-aws instead, the mapping of
 * scripts/cdktn-target.json that builds exchange-lb-cdktn. Together these
 * tests create every construct, VIP kind, TLS mode and pair placement (the
 * golden stacks alone do) and compare the examples' output with cdktf's.
 */
const base = require("./jest.config.js");
const { modules } = require("./scripts/cdktn-target.json");

const escapeRegExp = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  moduleNameMapper: Object.fromEntries(
    Object.entries(modules).flatMap(([from, to]) => [
      [`^${escapeRegExp(from)}$`, to],
      [`^${escapeRegExp(from)}/(.*)$`, `${to}/$1`],
    ]),
  ),
  // test/framework.test.ts checks that the run loaded the framework named here.
  globals: { EXCHANGE_LB_FRAMEWORK: "cdktn" },
  testMatch: [
    "<rootDir>/test/load-balancer/**/*.test.ts",
    "<rootDir>/test/vips/**/*.test.ts",
    "<rootDir>/test/server-scripts/**/*.test.ts",
    "<rootDir>/test/pair/pair-stack.test.ts",
    "<rootDir>/test/tls/bridge-server-list.test.ts",
    "<rootDir>/test/terraform/template-escaping.test.ts",
    "<rootDir>/test/examples.test.ts",
    "<rootDir>/test/aws-lab.test.ts",
    "<rootDir>/test/golden.test.ts",
    "<rootDir>/test/validation.test.ts",
    "<rootDir>/test/public-api.test.ts",
    "<rootDir>/test/framework.test.ts",
    // The review document: the same text on either framework (the same snapshots).
    "<rootDir>/test/review/review-document.test.ts",
    "<rootDir>/test/review/review-changes.test.ts",
  ],
};
