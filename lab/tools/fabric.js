// The boot lab's VPC fabric: a private IP reaches only the network interface EC2 has
// assigned it to, whatever addresses the instances put on their own interfaces. Run in
// the lab's switch namespace; follows the AWS stand-in's changes file (one JSON line per
// accepted assign-private-ip-addresses) and rewrites the bridge's ebtables chain VPC:
// frames to a VIP go out of its owner's tap only, and only its owner may answer ARP for it.
//   node fabric.js CONFIG.json   {"changes": path, "taps": {eniId: tap}, "owners": {vip: eniId|null}, "maxMs": n}
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, readFileSync, watchFile } = require("node:fs");

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const owners = { ...config.owners };
let applied = 0;

function ebtables(...args) {
  execFileSync("ebtables", args, { stdio: "inherit" });
}

function render() {
  ebtables("-F", "VPC");
  for (const [vip, owner] of Object.entries(owners)) {
    for (const [eni, tap] of Object.entries(config.taps)) {
      if (eni === owner) continue;
      ebtables("-A", "VPC", "-p", "IPv4", "--ip-dst", vip, "-o", tap, "-j", "DROP");
      ebtables("-A", "VPC", "-p", "ARP", "--arp-ip-src", vip, "-i", tap, "-j", "DROP");
    }
  }
  console.log(`${new Date().toISOString()} owners ${JSON.stringify(owners)}`);
}

function follow() {
  if (!existsSync(config.changes)) return;
  const lines = readFileSync(config.changes, "utf8").split("\n").filter(Boolean);
  let changed = false;
  for (const line of lines.slice(applied)) {
    const change = JSON.parse(line);
    if (change.kind === "private-ip" && change.address in owners) {
      owners[change.address] = change.networkInterfaceId;
      changed = true;
    }
  }
  applied = lines.length;
  if (changed) render();
}

ebtables("-N", "VPC");
ebtables("-A", "FORWARD", "-j", "VPC");
render();
follow();
watchFile(config.changes, { interval: 100 }, follow);
setTimeout(() => process.exit(0), config.maxMs || 2 * 3600 * 1000).unref();
