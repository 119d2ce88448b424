/**
 * Scenario 7's network beyond the subnet, following the AWS stand-in's changes
 * (lab/tools/gateway.js): a VIP outside the VPC CIDR that clients reach only through
 * the VPC router's route (the route-table placement), and an internet gateway whose
 * 1:1 NAT takes an Elastic IP's public address to the private address EC2 associated
 * it with, for a client on the lab's internet (the elastic-ip placement).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDetached } from "../servers";
import { inNs, sh } from "../shell";
import { GATEWAY, HOSTS, INTERNET_NS, PREFIX } from "../topology";
import { LabInstance } from "./instances";
import { VPC_NS, awsChangesFile } from "./vpc";

const GATEWAY_TOOL = join(__dirname, "..", "tools", "gateway.js");
export const IGW_NS = `${PREFIX}igw`;
/** The internet client, and the gateway's address on the internet side (RFC 5737 ranges). */
export const INTERNET_CLIENT = "198.51.100.20";
const INTERNET_SIDE = "198.51.100.1";
/** The link between the VPC router and the internet gateway (RFC 6598's shared range). */
const [ROUTER_SIDE, IGW_SIDE] = ["100.64.0.1", "100.64.0.2"];

/** The VPC router forwards; without ICMP redirects, which would let a client bypass its route. */
function routerForwards(): void {
  for (const key of ["ip_forward=1", "conf.all.send_redirects=0", "conf.eth0.send_redirects=0"]) {
    inNs(VPC_NS, ["sysctl", "-qw", `net.ipv4.${key}`]);
  }
}

/** Starts the tool in `ns` and waits for its first line (its first state applied). */
function startTool(ns: string, dir: string, name: string, config: object): void {
  const file = join(dir, `${name}.json`);
  const log = join(dir, `${name}.log`);
  writeFileSync(file, JSON.stringify(config));
  startDetached(ns, [process.execPath, GATEWAY_TOOL, file], log);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (existsSync(log) && readFileSync(log, "utf8").includes(" ")) return;
    sh(["sleep", "0.1"]);
  }
  throw new Error(`${name} did not start: see ${log}`);
}

/**
 * Clients reach `vip` through the VPC router, which routes it as `routeTableId` does:
 * at first to `initial` (the network interface Terraform created the route with; null
 * without the route), then wherever ReplaceRoute or CreateRoute points it.
 */
export function routeVipThroughRouter(
  dir: string,
  instances: readonly LabInstance[],
  route: { routeTableId: string; vip: string; initial: string | null },
  maxMs: number,
): void {
  routerForwards();
  inNs(HOSTS.client.ns, ["ip", "route", "replace", `${route.vip}/32`, "via", GATEWAY]);
  startTool(VPC_NS, dir, "router", {
    mode: "route",
    changes: awsChangesFile(dir),
    routeTableId: route.routeTableId,
    destination: `${route.vip}/32`,
    primaries: Object.fromEntries(instances.map((i) => [i.eniId, i.localIpv4s[0]])),
    initial: route.initial,
    maxMs,
  });
}

/** A veth pair between two namespaces, each end named and addressed there, up. */
function link(a: [string, string, string], b: [string, string, string]): void {
  sh([
    "ip",
    "link",
    "add",
    a[1],
    "netns",
    a[0],
    "type",
    "veth",
    "peer",
    "name",
    b[1],
    "netns",
    b[0],
  ]);
  for (const [ns, name, address] of [a, b]) {
    inNs(ns, ["ip", "address", "add", address, "dev", name]);
    inNs(ns, ["ip", "link", "set", name, "up"]);
  }
}

/**
 * The internet gateway: the VPC router's route to the internet goes through it, and
 * its 1:1 NAT follows AssociateAddress for `eip`. A client on the internet side
 * (INTERNET_NS, INTERNET_CLIENT) connects to the public address.
 */
export function startInternetGateway(
  dir: string,
  eip: { allocationId: string; publicIp: string },
  maxMs: number,
): void {
  for (const ns of [IGW_NS, INTERNET_NS]) {
    sh(["ip", "netns", "add", ns]);
    inNs(ns, ["ip", "link", "set", "lo", "up"]);
  }
  link([VPC_NS, "igw", `${ROUTER_SIDE}/30`], [IGW_NS, "vpc", `${IGW_SIDE}/30`]);
  link([IGW_NS, "internet", `${INTERNET_SIDE}/24`], [INTERNET_NS, "eth0", `${INTERNET_CLIENT}/24`]);
  routerForwards();
  inNs(VPC_NS, ["ip", "route", "add", `${INTERNET_CLIENT}/32`, "via", IGW_SIDE]);
  inNs(IGW_NS, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  inNs(IGW_NS, ["ip", "route", "add", "192.168.30.0/24", "via", ROUTER_SIDE]);
  inNs(INTERNET_NS, ["ip", "route", "add", "default", "via", INTERNET_SIDE]);
  startTool(IGW_NS, dir, "internet-gateway", {
    mode: "elastic-ip",
    changes: awsChangesFile(dir),
    ...eip,
    maxMs,
  });
}
