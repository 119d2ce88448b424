/**
 * What the load balancer checks at synth, once every VIP and resource is added: at least one
 * VIP, the AWS provider's version, and the connections within the instances' memory.
 */
import { LoadBalancerModel } from "../config/model";
import { Construct } from "../framework";
import { awsProviderProblems } from "./provider-version";
import { LoadBalancerSettings } from "./resolve-props";
import { sizingProblems } from "./sizing-checks";

const NO_VIPS =
  "no VIPs. Fix: add at least one, e.g. new CasHttpsVip(lb, 'CasWeb'), or remove the load balancer";

export function addSynthChecks(
  lb: Construct,
  settings: LoadBalancerSettings,
  model: () => LoadBalancerModel,
): void {
  lb.node.addValidation({ validate: () => (model().vips.length === 0 ? [NO_VIPS] : []) });
  lb.node.addValidation({ validate: () => awsProviderProblems(lb) });
  lb.node.addValidation({ validate: () => sizingProblems(lb.node.path, model(), settings) });
}
