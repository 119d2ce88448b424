// The boot lab's routing of addresses that are not private IPs, following the AWS stand-in's
// changes file (one JSON line per accepted change), as fabric.js does for private IPs:
//   route       in the VPC namespace: the VPC router sends DESTINATION via the primary address
//               of the network interface the route of ROUTE_TABLE targets (ReplaceRoute,
//               CreateRoute), so clients reach a routed VIP only through the route EC2 holds;
//   elastic-ip  in the internet gateway's namespace: 1:1 NAT of the Elastic IP's public
//               address to the private address it is associated with (AssociateAddress),
//               re-pointed at each association, as an internet gateway does.
//   node gateway.js CONFIG.json
//     {"mode": "route", "changes", "routeTableId", "destination", "primaries": {eniId: ip}, "initial": eniId|null, "maxMs"}
//     {"mode": "elastic-ip", "changes", "allocationId", "publicIp", "maxMs"}
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, readFileSync, watchFile } = require("node:fs");

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
let applied = 0;

function run(...argv) {
  execFileSync(argv[0], argv.slice(1), { stdio: "inherit" });
}

function log(what) {
  console.log(`${new Date().toISOString()} ${what}`);
}

function routeTo(networkInterfaceId) {
  const via = config.primaries[networkInterfaceId];
  if (!via) return log(`no primary address known for ${networkInterfaceId}: route unchanged`);
  run("ip", "route", "replace", config.destination, "via", via, "dev", "eth0");
  log(`route ${config.destination} via ${via} (${networkInterfaceId})`);
}

// Flushed and rewritten: one association at a time, as EC2 holds it.
function natTo(privateIp) {
  run("iptables", "-t", "nat", "-F", "EIP_IN");
  run(
    "iptables",
    "-t",
    "nat",
    "-A",
    "EIP_IN",
    "-d",
    config.publicIp,
    "-j",
    "DNAT",
    "--to-destination",
    privateIp,
  );
  run("iptables", "-t", "nat", "-F", "EIP_OUT");
  run(
    "iptables",
    "-t",
    "nat",
    "-A",
    "EIP_OUT",
    "-s",
    privateIp,
    "-j",
    "SNAT",
    "--to-source",
    config.publicIp,
  );
  log(`elastic-ip ${config.publicIp} <-> ${privateIp}`);
}

function follow() {
  if (!existsSync(config.changes)) return;
  const lines = readFileSync(config.changes, "utf8").split("\n").filter(Boolean);
  for (const line of lines.slice(applied)) {
    const c = JSON.parse(line);
    if (
      config.mode === "route" &&
      c.kind === "route" &&
      c.routeTableId === config.routeTableId &&
      c.destination === config.destination
    ) {
      routeTo(c.networkInterfaceId);
    }
    if (
      config.mode === "elastic-ip" &&
      c.kind === "elastic-ip" &&
      c.allocationId === config.allocationId
    ) {
      natTo(c.privateIp);
    }
  }
  applied = lines.length;
}

if (config.mode === "route") {
  if (config.initial) routeTo(config.initial);
} else {
  for (const [chain, hook] of [
    ["EIP_IN", "PREROUTING"],
    ["EIP_OUT", "POSTROUTING"],
  ]) {
    run("iptables", "-t", "nat", "-N", chain);
    run("iptables", "-t", "nat", "-A", hook, "-j", chain);
  }
  log(`elastic-ip ${config.publicIp} not associated`);
}
follow();
watchFile(config.changes, { interval: 100 }, follow);
setTimeout(() => process.exit(0), config.maxMs || 2 * 3600 * 1000).unref();
