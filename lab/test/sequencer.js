// The lab scenarios in the order of their numbers, the same on every machine.
// Jest's default order depends on its cache (durations of earlier runs), so a
// scenario that leaves something behind could pass here and fail on a fresh CI
// machine, as scenario 10 before 11 once did.
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

const number = (test) => Number(/(\d+)-[^/]*$/.exec(test.path)?.[1] ?? Infinity);

module.exports = class ScenarioOrder extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => number(a) - number(b) || a.path.localeCompare(b.path));
  }
};
