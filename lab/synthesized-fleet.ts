/**
 * A fleet read back from cdk.tf.json: the NLB's address, each listener with its target group's
 * health check and stickiness, the Auto Scaling group's sizes. The lab's NLB stand-in runs them.
 */
import type { Resource, TerraformJson } from "./synthesized";

/** An NLB target group's health check, as synthesized (aws_lb_target_group.health_check). */
export interface SynthesizedHealthCheck {
  readonly protocol: string;
  readonly port: number;
  readonly path: string;
  /** HTTP codes that pass: "200", "200-399", "200,202". */
  readonly matcher: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** One NLB listener and the target group it forwards to. */
export interface SynthesizedListener {
  readonly port: number;
  readonly healthCheck: SynthesizedHealthCheck;
  /** stickiness { type = "source_ip" }: a client stays on one node. */
  readonly sourceIpStickiness: boolean;
}

/**
 * A fleet's NLB and Auto Scaling group. Its nodes have no stack entry each: every one boots
 * with the launch template's user-data, the stack's one `nodes` entry.
 */
export interface SynthesizedFleet {
  /** The NLB's private address in the (lab's one) subnet: the VIP. */
  readonly vipAddress: string;
  readonly listeners: readonly SynthesizedListener[];
  /** Ports the nodes' security group admits from the NLB's group: its health checks. */
  readonly fromNlb: readonly number[];
  readonly minNodes: number;
  readonly maxNodes: number;
  /** The secondary addresses EC2 assigns each node at launch (the template's ipv4_address_count). */
  readonly sourceAddressCount: number;
}

/** The resource name in a reference token: `${aws_lb_target_group.<name>.arn}` -> <name>. */
function referencedName(token: string): string {
  const match = /^\$\{[\w-]+\.([\w-]+)\.[\w]+\}$/.exec(token);
  if (!match) throw new Error(`not a resource reference: ${token}`);
  return match[1];
}

function listenerOf(json: TerraformJson, listener: Resource): SynthesizedListener {
  const action = (listener.default_action as { type: string; target_group_arn: string }[])[0];
  if (action.type !== "forward") throw new Error(`the lab cannot run action ${action.type}`);
  const group = json.resource.aws_lb_target_group?.[referencedName(action.target_group_arn)];
  if (!group) throw new Error(`no target group ${action.target_group_arn}`);
  const check = group.health_check as Record<string, string | number | boolean>;
  const stickiness = group.stickiness as { type: string; enabled?: boolean } | undefined;
  const port = listener.port as number;
  return {
    port,
    healthCheck: {
      protocol: String(check.protocol),
      port: check.port === "traffic-port" ? port : Number(check.port),
      path: String(check.path),
      matcher: String(check.matcher),
      intervalSeconds: Number(check.interval),
      timeoutSeconds: Number(check.timeout),
      healthyThreshold: Number(check.healthy_threshold),
      unhealthyThreshold: Number(check.unhealthy_threshold),
    },
    sourceIpStickiness: stickiness?.type === "source_ip" && stickiness.enabled !== false,
  };
}

/** The NLB (its one subnet's address), its listeners' target groups, the group's sizes. */
export function readFleet(json: TerraformJson, fromNlb: readonly number[]): SynthesizedFleet {
  const nlbs = Object.values(json.resource.aws_lb ?? {});
  const groups = Object.values(json.resource.aws_autoscaling_group ?? {});
  if (nlbs.length !== 1 || groups.length !== 1) {
    throw new Error(`a fleet: expected one NLB and one Auto Scaling group`);
  }
  const mapping = nlbs[0].subnet_mapping as { private_ipv4_address?: string }[];
  const template = Object.values(json.resource.aws_launch_template ?? {})[0];
  const described = template?.network_interfaces as { ipv4_address_count?: number }[] | undefined;
  return {
    vipAddress: mapping[0].private_ipv4_address as string,
    listeners: Object.values(json.resource.aws_lb_listener ?? {}).map((l) => listenerOf(json, l)),
    fromNlb,
    minNodes: groups[0].min_size as number,
    maxNodes: groups[0].max_size as number,
    sourceAddressCount: described?.[0].ipv4_address_count ?? 0,
  };
}
