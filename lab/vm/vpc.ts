/**
 * The AWS side of the lab subnet, in one namespace on the lab switch: the VPC router
 * (.1), the Amazon-provided DNS (.2, dnsmasq, which also hands out each instance's
 * primary address by DHCP from a reservation per MAC, as the VPC does), the interface
 * endpoints of the AWS APIs (.3, their regional names resolve there, as with private
 * DNS) and the package mirror stand-in (.4, deb.debian.org resolves there). It holds
 * 169.254.169.254, which the instances reach through their default route, as on EC2.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inNs } from "../shell";
import { GATEWAY, PREFIX, SUBNET_PREFIX, plugIn } from "../topology";
import { startDetached } from "../servers";

export const VPC_NS = `${PREFIX}vpc`;
export const DNS_ADDRESS = "192.168.30.2";
export const ENDPOINTS_ADDRESS = "192.168.30.3";
export const MIRROR_ADDRESS = "192.168.30.4";
export const IMDS_ADDRESS = "169.254.169.254";
export const REGION = "eu-west-2";
export const DNS_DOMAIN = `${REGION}.compute.internal`;

/** The AWS stand-in's accepted network changes, one JSON line each: the fabric and IMDS follow them. */
export const awsChangesFile = (dir: string): string => join(dir, "aws-changes.jsonl");
/** The names the lab's DNS answers with a stand-in: the mirror, and every AWS API endpoint. */
const NAMES: Record<string, string> = {
  "deb.debian.org": MIRROR_ADDRESS,
  "security.debian.org": MIRROR_ADDRESS,
  "amazonaws.com": ENDPOINTS_ADDRESS,
};

export interface DhcpReservation {
  readonly mac: string;
  readonly address: string;
  readonly hostname: string;
}

/** The namespace with its addresses; the switch must exist (topology.createNetwork). */
export function createVpc(): void {
  plugIn(VPC_NS, "vpc");
  for (const address of [GATEWAY, DNS_ADDRESS, ENDPOINTS_ADDRESS, MIRROR_ADDRESS]) {
    inNs(VPC_NS, ["ip", "address", "add", `${address}/${SUBNET_PREFIX}`, "dev", "eth0"]);
  }
  inNs(VPC_NS, ["ip", "address", "add", `${IMDS_ADDRESS}/32`, "dev", "lo"]);
  inNs(VPC_NS, ["ip", "link", "set", "lo", "up"]);
  inNs(VPC_NS, ["ip", "link", "set", "eth0", "up"]);
}

/** DHCP with one reservation per instance and DNS for the stand-ins; nothing is forwarded out. */
export function startDnsAndDhcp(dir: string, reservations: readonly DhcpReservation[]): void {
  const conf = join(dir, "dnsmasq.conf");
  const lines = [
    "no-resolv",
    "no-hosts",
    "interface=eth0",
    "bind-interfaces",
    `listen-address=${DNS_ADDRESS}`,
    `domain=${DNS_DOMAIN}`,
    `dhcp-range=${GATEWAY},static,255.255.255.0,1h`,
    `dhcp-option=option:router,${GATEWAY}`,
    `dhcp-option=option:dns-server,${DNS_ADDRESS}`,
    `dhcp-leasefile=${join(dir, "dnsmasq.leases")}`,
    ...Object.entries(NAMES).map(([name, address]) => `address=/${name}/${address}`),
    ...reservations.map((r) => `dhcp-host=${r.mac},${r.address},${r.hostname}`),
    "log-dhcp",
  ];
  writeFileSync(conf, lines.join("\n") + "\n");
  startDetached(
    VPC_NS,
    ["dnsmasq", "--keep-in-foreground", `--conf-file=${conf}`, "--log-facility=-"],
    join(dir, "dnsmasq.log"),
  );
}
