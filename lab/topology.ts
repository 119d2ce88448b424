/**
 * The lab network: one namespace per host, joined by a bridge that lives in a
 * namespace of its own, so every lab address exists only inside namespaces the
 * lab created. Addresses follow guide 001's example (VIP .10, CAS .20/.21,
 * smart hosts .50-.60).
 */
import { inNs, sh } from "./shell";

export const PREFIX = "exlab-";
export const SUBNET_PREFIX = 24;

export interface Host {
  readonly ns: string;
  /** The first is the primary address; VIPs are added as /32 like EC2 secondary IPs. */
  readonly addresses: readonly string[];
  readonly vips?: readonly string[];
  /** An EC2 instance: it has a default route through the VPC router. */
  readonly instance?: true;
}

export const VIP = "192.168.30.10";
/** The VPC router's address (.1 of the subnet on AWS); nothing answers there, only routes point to it. */
export const GATEWAY = "192.168.30.1";

export const HOSTS = {
  lb: { ns: `${PREFIX}lb`, addresses: ["192.168.30.5"], vips: [VIP], instance: true },
  /** The second node of a clustered pair; idle while the lab runs one load balancer. */
  lb2: { ns: `${PREFIX}lb2`, addresses: ["192.168.30.6"], instance: true },
  cas1: { ns: `${PREFIX}cas1`, addresses: ["192.168.30.20"] },
  cas2: { ns: `${PREFIX}cas2`, addresses: ["192.168.30.21"] },
  ht: { ns: `${PREFIX}ht`, addresses: ["192.168.30.22"] },
  /** The allowed smart-host range's first and last address, and one just outside each end. */
  smarthost: {
    ns: `${PREFIX}smarthost`,
    addresses: ["192.168.30.50", "192.168.30.60", "192.168.30.49", "192.168.30.61"],
  },
  /** An ordinary client, not on the SMTP allow-list, with a few source addresses. */
  client: {
    ns: `${PREFIX}client`,
    addresses: [
      "192.168.30.70",
      "192.168.30.71",
      "192.168.30.72",
      "192.168.30.73",
      "192.168.30.74",
    ],
  },
} satisfies Record<string, Host>;

export type HostName = keyof typeof HOSTS;
export const SWITCH = `${PREFIX}switch`;
/** The boot lab's internet, beyond its internet gateway (lab/vm/gateway.ts): one client there. */
export const INTERNET_NS = `${PREFIX}internet`;

/** Namespaces left by this or an earlier lab, crashed or not. */
export function labNamespaces(): string[] {
  return sh(["ip", "netns", "list"])
    .stdout.split("\n")
    .map((line) => line.split(" ")[0])
    .filter((name) => name.startsWith(PREFIX));
}

/** Kills every process inside the lab's namespaces, then deletes the namespaces. Idempotent. */
export function destroyNetwork(): void {
  for (const ns of labNamespaces()) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const pids = sh(["ip", "netns", "pids", ns], { allowFailure: true })
        .stdout.split("\n")
        .filter(Boolean);
      if (pids.length === 0) break;
      sh(["kill", attempt < 10 ? "-TERM" : "-KILL", ...pids], { allowFailure: true });
      sh(["sleep", "0.1"]);
    }
    sh(["ip", "netns", "del", ns], { allowFailure: true });
  }
}

/** A new namespace whose eth0 is a port (`port`, its name in the switch) of the lab's bridge. */
export function plugIn(ns: string, port: string): void {
  sh(["ip", "netns", "add", ns]);
  sh([
    "ip",
    "link",
    "add",
    "eth0",
    "netns",
    ns,
    "type",
    "veth",
    "peer",
    "name",
    port,
    "netns",
    SWITCH,
  ]);
  inNs(SWITCH, ["ip", "link", "set", port, "master", "br0"]);
  inNs(SWITCH, ["ip", "link", "set", port, "up"]);
}

/** The lab network; `without` hosts are left out (the boot lab's VMs take the load balancers' places). */
export function createNetwork(without: readonly HostName[] = []): void {
  destroyNetwork();
  sh(["ip", "netns", "add", SWITCH]);
  inNs(SWITCH, ["ip", "link", "add", "br0", "type", "bridge"]);
  inNs(SWITCH, ["ip", "link", "set", "br0", "up"]);
  for (const [name, host] of Object.entries(HOSTS) as [HostName, Host][]) {
    if (without.includes(name)) continue;
    plugIn(host.ns, name);
    for (const address of host.addresses) {
      inNs(host.ns, ["ip", "address", "add", `${address}/${SUBNET_PREFIX}`, "dev", "eth0"]);
    }
    for (const vip of host.vips ?? [])
      inNs(host.ns, ["ip", "address", "add", `${vip}/32`, "dev", "eth0"]);
    inNs(host.ns, ["ip", "link", "set", "lo", "up"]);
    linkUp(host);
  }
}

/**
 * Brings a host's link up, as at boot: with it the subnet's route and, on an
 * instance, the default route (a link set down loses it). The scripts find the
 * interface for VIPs by that route, as on EC2.
 */
export function linkUp(host: Host): void {
  inNs(host.ns, ["ip", "link", "set", "eth0", "up"]);
  if (host.instance) inNs(host.ns, ["ip", "route", "replace", "default", "via", GATEWAY]);
}
