/**
 * The stacks the lab runs: built with the library exactly as a user would,
 * synthesized by cdktf, and read back from cdk.tf.json (lab/synthesized.ts). HAProxy gets the
 * haproxy.cfg inside the synthesized user-data (the text the instance would
 * boot with), the firewall gets the synthesized security-group rules.
 */
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  ImapVip,
  PopVip,
  RealServer,
  RpcStaticPortVip,
  SmtpVip,
  VipPlacement,
} from "../lib";
import { labRelease } from "./release";
import type { StackBuilder } from "./synthesized";
import { HOSTS, VIP } from "./topology";

export * from "./synthesized";
export type {
  SynthesizedFleet,
  SynthesizedHealthCheck,
  SynthesizedListener,
} from "./synthesized-fleet";

/** The client namespace's addresses: clients, not smart hosts. */
export const LAB_CLIENT_CIDR = "192.168.30.64/26";
export const SMART_HOST_RANGE = "192.168.30.50-60";
/** HAProxy's maxconn in the lab: one process holds at most ~9,900 proxied connections here. */
export const LAB_MAXCONN = 4000;

const CAS = [
  { name: "CAS1", address: HOSTS.cas1.addresses[0] },
  { name: "CAS2", address: HOSTS.cas2.addresses[0] },
];
const HT = [{ name: "HT1", address: HOSTS.ht.addresses[0] }];

function labProps(exchangeVersion: ExchangeVersion): ExchangeLoadBalancerProps {
  return {
    exchangeVersion,
    vpcId: "vpc-0lab",
    subnetId: "subnet-0lab",
    vipAddress: VIP,
    clientCidrs: [LAB_CLIENT_CIDR],
    servers: CAS,
    namespace: "mail.lab.test",
    maxconn: LAB_MAXCONN,
    // The release the lab runs (EXCHANGE_LB_LAB_DEBIAN): its HAProxy runs this config.
    operatingSystem: labRelease().os,
  };
}

/** The clustered pair: lb (preferred master) and lb2 in the lab subnet, VIPs as secondary IPs. */
export function pairProps(exchangeVersion: ExchangeVersion): ExchangeLoadBalancerProps {
  return {
    ...labProps(exchangeVersion),
    subnetId: undefined,
    highAvailability: {
      nodes: [
        { subnetId: "subnet-0lab", address: HOSTS.lb.addresses[0] },
        { subnetId: "subnet-0lab", address: HOSTS.lb2.addresses[0] },
      ],
    },
    // No metrics publisher on the pair's nodes: in the boot lab's VMs (QEMU without KVM) one
    // AWS CLI call a minute takes seconds of a node's one vCPU and delayed keepalived's check
    // enough to lose the master once. Scenario 17 turns it on and measures it.
    monitoring: { metrics: false },
  };
}

/** Guide 001's four VIPs plus POP3; SMTP goes to a Hub Transport-only server. */
export const lab2010: StackBuilder = (app) => {
  const stack = new TerraformStack(app, "lab-2010");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", labProps(ExchangeVersion.EXCHANGE_2010));
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
  new ImapVip(lb, "CasImap");
  new PopVip(lb, "CasPop");
  new SmtpVip(lb, "HtSmtp", { allowedSources: [SMART_HOST_RANGE], servers: HT });
  return { stack, lb };
};

/**
 * Guide 001's web, RPC and IMAP VIPs on a clustered pair: source-IP persistence to carry
 * across; `more` adds to them (a changed config for a rollout).
 */
export function lab2010PairWith(
  more: (lb: ExchangeLoadBalancer) => void = () => undefined,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, "lab-2010-pair");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", pairProps(ExchangeVersion.EXCHANGE_2010));
    new CasHttpsVip(lb, "CasWeb");
    new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
    new ImapVip(lb, "CasImap");
    more(lb);
    return { stack, lb };
  };
}

export const lab2010Pair = lab2010PairWith();

/** Free lab addresses the source-address scenario gives the instance as extra source addresses. */
export const LAB_SOURCE_ADDRESSES = ["192.168.30.40", "192.168.30.41"] as const;

/**
 * One instance with `sourceAddresses` (none: the primary alone) and `vips` added; a stack of
 * its own name, so a scenario compares it with and without them.
 */
export function labWithSources(
  exchangeVersion: ExchangeVersion,
  sourceAddresses: readonly string[],
  vips: (lb: ExchangeLoadBalancer) => void,
): StackBuilder {
  const name = `lab-sources-${sourceAddresses.length}`;
  return labWith(name, exchangeVersion, { sourceAddresses: [...sourceAddresses] }, vips);
}

/** One instance with the lab's props and `props` over them, and `vips` added. */
export function labWith(
  name: string,
  exchangeVersion: ExchangeVersion,
  props: Partial<ExchangeLoadBalancerProps>,
  vips: (lb: ExchangeLoadBalancer) => void,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, name);
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", { ...labProps(exchangeVersion), ...props });
    vips(lb);
    return { stack, lb };
  };
}

/** Guide 004's SNAT-mode VIPs; `customize` adds or changes VIPs for one scenario; `pair` runs them on both nodes. */
export function lab2013(
  customize?: (lb: ExchangeLoadBalancer) => void,
  pair = false,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, pair ? "lab-2013-pair" : "lab-2013");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const version = ExchangeVersion.EXCHANGE_2013;
    const lb = new ExchangeLoadBalancer(stack, "Lb", pair ? pairProps(version) : labProps(version));
    if (customize) customize(lb);
    else {
      new CasHttpsVip(lb, "CasHttps");
      new ImapVip(lb, "CasImap");
      new PopVip(lb, "CasPop");
      new SmtpVip(lb, "CasSmtp", { allowedSources: [SMART_HOST_RANGE] });
    }
    return { stack, lb };
  };
}

/**
 * Scenario 19's fleet: Exchange SE nodes in an Auto Scaling group behind an NLB (a stand-in in
 * the lab, lab/nlb-stand-in.ts), the web VIP passed through and IMAP; `servers` changes the
 * real servers (a weight for a rollout).
 */
export function labFleet(servers: RealServer[] = CAS): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, "lab-fleet");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", {
      ...labProps(ExchangeVersion.EXCHANGE_SE),
      subnetId: undefined,
      servers,
      fleet: { subnets: [{ subnetId: "subnet-0lab" }], minNodes: 2, maxNodes: 3 },
      // One address EC2 assigns each node at launch: its connections leave from two.
      sourceAddresses: 1,
    });
    new CasHttpsVip(lb, "CasHttps");
    new ImapVip(lb, "CasImap");
    return { stack, lb };
  };
}

/** Scenario 7's route tables: the lab subnet's (its router follows it), and another subnet's without the route. */
export const LAB_ROUTE_TABLES = ["rtb-0lab1", "rtb-0lab2"];
/** A VIP outside the VPC CIDR, as the route-table placement needs (routed, never on the subnet). */
export const ROUTED_VIP = "10.99.0.10";
/** Scenario 7's Elastic IP: an address of a documentation range (RFC 5737). */
export const LAB_ELASTIC_IP = { allocationId: "eipalloc-0lab", publicIp: "203.0.113.10" };
/** The internet client of the Elastic IP pair (lab/vm/gateway.ts), a documentation range too. */
export const INTERNET_CIDR = "198.51.100.0/24";

/** The pair with its VIP placed by route tables or an Elastic IP (scenario 7): IMAP only. */
export function labPlacementPair(kind: "route-table" | "elastic-ip"): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, `lab-2010-pair-${kind}`);
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const props = pairProps(ExchangeVersion.EXCHANGE_2010);
    const vipPlacement =
      kind === "route-table"
        ? VipPlacement.routeTable({ routeTableIds: LAB_ROUTE_TABLES })
        : VipPlacement.elasticIp({ allocationId: LAB_ELASTIC_IP.allocationId });
    const lb = new ExchangeLoadBalancer(stack, "Lb", {
      ...props,
      vipAddress: kind === "route-table" ? ROUTED_VIP : LAB_ELASTIC_IP.publicIp,
      clientCidrs: [LAB_CLIENT_CIDR, INTERNET_CIDR],
      highAvailability: { ...props.highAvailability!, vipPlacement },
    });
    new ImapVip(lb, "CasImap");
    return { stack, lb };
  };
}
