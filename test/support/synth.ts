import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  VipPlacement,
} from "../../lib";

/** Guide 001's example values: VIP .10, CAS1/CAS2 at .20/.21. */
export const GUIDE_PROPS: ExchangeLoadBalancerProps = {
  exchangeVersion: ExchangeVersion.EXCHANGE_2010,
  vpcId: "vpc-0a1b2c3d",
  subnetId: "subnet-0a1b2c3d",
  vipAddress: "192.168.30.10",
  clientCidrs: ["192.168.0.0/16"],
  servers: [
    { name: "CAS1", address: "192.168.30.20" },
    { name: "CAS2", address: "192.168.30.21" },
  ],
};

/** A clustered pair in the guide's subnet: nodes .5 (preferred master) and .6, VIPs as secondary IPs. */
export const PAIR_PROPS: Partial<ExchangeLoadBalancerProps> = {
  subnetId: undefined,
  highAvailability: {
    nodes: [
      { subnetId: "subnet-0a1b2c3d", address: "192.168.30.5" },
      { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
    ],
  },
};

/** A pair across two subnets whose VIP is an Elastic IP (eipalloc-0e1 at 203.0.113.10). */
export const ELASTIC_IP_PAIR_PROPS: Partial<ExchangeLoadBalancerProps> = {
  subnetId: undefined,
  vipAddress: "203.0.113.10",
  highAvailability: {
    nodes: [
      { subnetId: "subnet-0aaa", address: "10.0.1.5" },
      { subnetId: "subnet-0bbb", address: "10.0.2.5" },
    ],
    vipPlacement: VipPlacement.elasticIp({ allocationId: "eipalloc-0e1" }),
  },
};

export interface Fixture {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly lb: ExchangeLoadBalancer;
}

export function fixture(overrides: Partial<ExchangeLoadBalancerProps> = {}): Fixture {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", { ...GUIDE_PROPS, ...overrides });
  return { app, stack, lb };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type in synthesized JSON, as a list. */
export function resourcesOf(json: Json, type: string): Json[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** The role policy the load balancer names `exchange-lb-<what>-...`, parsed; undefined if absent. */
export function rolePolicy(
  json: Json,
  what: "certificates" | "failover" | "ssm-agent" | "metrics" | "logs",
): Json {
  const policy = resourcesOf(json, "aws_iam_role_policy").find((p: Json) =>
    String(p.name_prefix).startsWith(`exchange-lb-${what}-`),
  );
  return policy && JSON.parse(policy.policy);
}

/** The rendered section of haproxy.cfg that starts with `header`, up to the next blank line. */
export function sectionOf(config: string, header: string): string {
  const at = `\n${config}`.indexOf(`\n${header}\n`);
  if (at < 0) throw new Error(`no section "${header}" in:\n${config}`);
  const start = at;
  const end = config.indexOf("\n\n", start);
  return config.slice(start, end < 0 ? undefined : end).trimEnd();
}

/** The synth warnings attached to a construct. */
export function warningsOf(construct: {
  node: { metadata: readonly { type: string; data: unknown }[] };
}): string[] {
  return construct.node.metadata.filter((m) => m.type.endsWith("/warn")).map((m) => String(m.data));
}
