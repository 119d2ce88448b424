// The NLB stand-in's health checker and target selection, run inside the stand-in's namespace
// with `ip netns exec`. Plain JavaScript, like probe.js.
//
//   node nlb-checker.js '{"vip":..,"targets":[{"name":"lb","address":..}],
//     "listeners":[{"port":443,"sourceIpStickiness":false,"healthCheck":{"port":8405,
//       "path":"/vip/CasHttps","matcher":"200","intervalSeconds":5,"timeoutSeconds":2,
//       "healthyThreshold":2,"unhealthyThreshold":2}}],"status":file,"rnd":n,"maxMs":..}'
//
// Each listener's target group checks every target as the NLB does: an HTTP GET of the health
// check's port and path every interval, a new connection each time, passed when the answer's
// code is in the matcher within the timeout. A target starts "initial" and turns healthy after
// healthyThreshold passes in a row, unhealthy after unhealthyThreshold failures in a row. On
// every change the nat table is rewritten in one iptables-restore (one transaction): a new
// connection to vip:port is hashed (HMARK: source and destination address and port, or the
// source address alone with source-IP stickiness) over that listener's healthy targets and
// DNATed to one, the client's address kept. A listener with no healthy target DNATs nothing:
// its new connections reach the stand-in itself, where nothing listens, and are reset (the
// NLB fails open then; this stand-in says no). Established flows keep their conntrack entry.
// Prints one JSON line per change; writes every target's state to `status` after each round.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const { spawnSync } = require("node:child_process");

const args = JSON.parse(process.argv[2]);
/** port -> target address -> { state, passes, failures, last } */
const states = {};
for (const listener of args.listeners) {
  states[listener.port] = {};
  for (const target of args.targets) {
    states[listener.port][target.address] = {
      state: "initial",
      passes: 0,
      failures: 0,
      last: "",
    };
  }
}

function passes(matcher, code) {
  return matcher.split(",").some((part) => {
    const [low, high] = part.split("-").map(Number);
    return code >= low && code <= (high === undefined ? low : high);
  });
}

/** One check: the status code, or why there is none ("ECONNREFUSED", "timeout"). */
function check(healthCheck, address) {
  return new Promise((resolve) => {
    const request = http.get(
      {
        host: address,
        port: healthCheck.port,
        path: healthCheck.path,
        agent: false,
        timeout: healthCheck.timeoutSeconds * 1000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", (error) => resolve(error.code || error.message));
  });
}

function natRules() {
  const chains = args.listeners.map((l) => `:tg-${l.port} - [0:0]`);
  const rules = args.listeners.flatMap((listener) => {
    const chain = `tg-${listener.port}`;
    const healthy = args.targets.filter(
      (t) => states[listener.port][t.address].state === "healthy",
    );
    const jump = `-A PREROUTING -d ${args.vip}/32 -p tcp --dport ${listener.port} -j ${chain}`;
    if (healthy.length === 0) return [jump];
    const tuple = listener.sourceIpStickiness ? "src" : "src,sport,dst,dport";
    return [
      jump,
      `-A ${chain} -j HMARK --hmark-tuple ${tuple} --hmark-mod ${healthy.length} --hmark-offset 1 --hmark-rnd ${args.rnd}`,
      ...healthy.map(
        (t, i) => `-A ${chain} -m mark --mark ${i + 1} -j DNAT --to-destination ${t.address}`,
      ),
    ];
  });
  return ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    .concat([":POSTROUTING ACCEPT [0:0]", ...chains, ...rules, "COMMIT", ""])
    .join("\n");
}

function applyRules() {
  const result = spawnSync("iptables-restore", { input: natRules(), encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(`iptables-restore failed: ${result.stderr}\n`);
    process.exit(2);
  }
}

/** Every target's state, and its last check's outcome: port -> address -> value. */
function writeStatus() {
  const [targets, last] = [{}, {}];
  for (const [port, byAddress] of Object.entries(states)) {
    targets[port] = {};
    last[port] = {};
    for (const [address, s] of Object.entries(byAddress)) {
      targets[port][address] = s.state;
      last[port][address] = s.last;
    }
  }
  fs.writeFileSync(`${args.status}.new`, JSON.stringify({ t: Date.now(), targets, last }));
  fs.renameSync(`${args.status}.new`, args.status);
}

/** Counts a check's outcome; returns the target's new state when it changed. */
function record(listener, address, result) {
  const s = states[listener.port][address];
  const check = listener.healthCheck;
  s.last = String(result);
  if (typeof result === "number" && passes(check.matcher, result)) {
    s.passes += 1;
    s.failures = 0;
    if (s.state !== "healthy" && s.passes >= check.healthyThreshold) return "healthy";
  } else {
    s.failures += 1;
    s.passes = 0;
    if (s.state !== "unhealthy" && s.failures >= check.unhealthyThreshold) return "unhealthy";
  }
  return undefined;
}

async function round(listener) {
  const results = await Promise.all(
    args.targets.map((t) => check(listener.healthCheck, t.address)),
  );
  const changes = [];
  args.targets.forEach((target, i) => {
    const to = record(listener, target.address, results[i]);
    if (!to) return;
    const s = states[listener.port][target.address];
    changes.push({ port: listener.port, target: target.name, from: s.state, to, result: s.last });
    s.state = to;
  });
  if (changes.length > 0) {
    applyRules();
    const t = Date.now();
    for (const change of changes) process.stdout.write(JSON.stringify({ t, ...change }) + "\n");
  }
  writeStatus();
}

applyRules();
writeStatus();
/** A round now, and one every interval: the next one starts whether or not this one ended. */
function every(listener) {
  setTimeout(() => every(listener), listener.healthCheck.intervalSeconds * 1000);
  round(listener);
}

for (const listener of args.listeners) every(listener);
setTimeout(() => process.exit(0), args.maxMs || 30 * 60 * 1000).unref();
process.on("SIGTERM", () => process.exit(0));
