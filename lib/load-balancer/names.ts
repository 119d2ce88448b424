/** How the load balancer names what AWS shows: a prefix people can search for, and SSM documents by path. */
import { Construct } from "../framework";

/**
 * The tag every instance of a load balancer carries, its construct path the value: Run Command
 * reaches every node with `--targets Key=tag:ExchangeLoadBalancer,Values=<path>`, a replaced
 * node included.
 */
export const NODES_TAG = "ExchangeLoadBalancer";

/** The start of every name the load balancer gives an AWS resource. */
export const NAME_PREFIX = "exchange-lb-";

/**
 * A fleet's Auto Scaling group's name, fixed so that the nodes' user-data and the role's policy
 * can name it before the group exists: `exchange-lb-` and the construct path.
 */
export function fleetGroupName(loadBalancer: Construct): string {
  return `${NAME_PREFIX}${loadBalancer.node.path.replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}

/** An SSM document's name: the load balancer's construct path, then what it holds. */
export function documentName(loadBalancer: Construct, what: string): string {
  return `ExchangeLb-${loadBalancer.node.path.replace(/[^A-Za-z0-9_.-]/g, "-")}-${what}`;
}
