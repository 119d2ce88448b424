/**
 * Scenario 7's VIP placements in the boot lab: each pair stack, the route tables or
 * Elastic IP EC2 holds at launch, the lab network that follows EC2's changes
 * (lab/vm/gateway.ts), the client's way to the service, and whom EC2 sends it to.
 */
import { PATHS } from "../../lib/instance/paths";
import type { NetworkSetup, RouteTable, ElasticIp } from "../aws/network";
import {
  LAB_ELASTIC_IP,
  LAB_ROUTE_TABLES,
  ROUTED_VIP,
  StackBuilder,
  labPlacementPair,
} from "../stacks";
import { BootLab, STAND_IN_MAX_MS } from "./boot-lab";
import { control } from "./endpoints";
import { routeVipThroughRouter, startInternetGateway } from "./gateway";
import { guestRun } from "./guest";
import { LabInstance } from "./instances";
import { AwsCall, awsCalls } from "./pair-vm";
import { VipProbe } from "./vip-probes";

export type NetworkSeed = Pick<NetworkSetup, "routeTables" | "elasticIps">;
interface NetworkNow {
  readonly routeTables: RouteTable[];
  readonly elasticIps: ElasticIp[];
}

export interface LabPlacement {
  readonly kind: "route-table" | "elastic-ip";
  readonly stack: StackBuilder;
  /** The EC2 actions a claim makes. */
  readonly actions: readonly string[];
  readonly probe: VipProbe;
  /** Route tables and Elastic IPs as EC2 holds them when the instances launch. */
  seed(instances: readonly LabInstance[]): NetworkSeed;
  /** Starts the lab network that follows EC2's changes. */
  follow(lab: BootLab): void;
  /** The network interface EC2 sends the service's traffic to now. */
  target(network: NetworkNow): string | undefined;
}

const [SUBNET_TABLE, OTHER_TABLE] = LAB_ROUTE_TABLES;
const IMAP = { port: 143, options: {}, servers: /^CAS[12]$/ };

export const ROUTE_TABLE: LabPlacement = {
  kind: "route-table",
  stack: labPlacementPair("route-table"),
  actions: ["ec2:ReplaceRoute", "ec2:CreateRoute"],
  probe: { ...IMAP, name: "IMAP 143, routed VIP", ns: "client", options: { host: ROUTED_VIP } },
  // The subnet's table has the route Terraform created (to the first node); the other
  // lost it (deleted by hand): the first claim must create it.
  seed: (instances) => ({
    routeTables: [
      {
        id: SUBNET_TABLE,
        routes: [{ destination: `${ROUTED_VIP}/32`, networkInterfaceId: instances[0].eniId }],
      },
      { id: OTHER_TABLE },
    ],
  }),
  follow: (lab) =>
    routeVipThroughRouter(
      lab.dir,
      lab.instances,
      { routeTableId: SUBNET_TABLE, vip: ROUTED_VIP, initial: lab.instances[0].eniId },
      STAND_IN_MAX_MS,
    ),
  target: (network) =>
    network.routeTables
      .find((t) => t.id === SUBNET_TABLE)
      ?.routes.find((r) => r.destination === `${ROUTED_VIP}/32`)?.networkInterfaceId,
};

export const ELASTIC_IP: LabPlacement = {
  kind: "elastic-ip",
  stack: labPlacementPair("elastic-ip"),
  actions: ["ec2:AssociateAddress"],
  probe: {
    ...IMAP,
    name: "IMAP 143, Elastic IP",
    ns: "internet",
    options: { host: LAB_ELASTIC_IP.publicIp },
  },
  seed: () => ({ elasticIps: [{ ...LAB_ELASTIC_IP }] }),
  follow: (lab) => startInternetGateway(lab.dir, LAB_ELASTIC_IP, STAND_IN_MAX_MS),
  target: (network) =>
    network.elasticIps.find((e) => e.allocationId === LAB_ELASTIC_IP.allocationId)?.association
      ?.networkInterfaceId,
};

/** EC2's state of the placement's resources, from the stand-in. */
export function networkNow(): NetworkNow {
  return control("GET", "/network") as NetworkNow;
}

/** The instance EC2 sends the service to ("-" none). */
export function ec2Target(lab: BootLab, placement: LabPlacement): string {
  const eni = placement.target(networkNow());
  return lab.instances.find((i) => i.eniId === eni)?.name ?? "-";
}

/** The failover program's VRRP state on a node ("" when it cannot tell). */
async function failoverState(lab: BootLab, name: string): Promise<string> {
  const vm = lab.vms.get(name);
  if (!vm) return "";
  const r = await guestRun(vm, ["cat", PATHS.FAILOVER_STATE]).catch(() => undefined);
  return r?.stdout.trim() ?? "";
}

/** Waits until EC2 has sent the service to one MASTER for `stableMs`; returns its name. */
export async function settledTarget(
  lab: BootLab,
  placement: LabPlacement,
  stableMs: number,
  timeoutMs: number,
): Promise<string> {
  const start = Date.now();
  let [target, since] = ["", Date.now()];
  while (Date.now() - start < timeoutMs) {
    const now = ec2Target(lab, placement);
    if (now !== target) [target, since] = [now, Date.now()];
    const master = target !== "-" && (await failoverState(lab, target)) === "MASTER";
    if (master && Date.now() - since >= stableMs) return target;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`EC2 did not settle on a master within ${timeoutMs} ms (last: ${target})`);
}

/** The placement's claim calls: who made each, the action, the IAM decision and EC2's status. */
export function claimCalls(lab: BootLab, placement: LabPlacement): string[][] {
  const name = (c: AwsCall) =>
    lab.instances.find((i) => i.instanceId === c.caller?.instanceId)?.name ?? "?";
  return awsCalls(lab)
    .filter((c) => placement.actions.includes(c.action))
    .map((c) => [name(c), c.action.replace(/^ec2:/, ""), c.decision, String(c.status)]);
}
