/** What a deploy prints: the VIP addresses, the instance id (or the pair's), the security group. */
import { Construct, Instance, Lazy, TerraformOutput } from "../framework";

export function addOutputs(
  owner: Construct,
  /** A fleet's nodes come and go: its outputs are the NLB's and the group's (fleet.ts). */
  topology: { readonly pair?: unknown; readonly fleet?: unknown },
  outputs: {
    readonly vipAddresses: () => string[];
    readonly instances: readonly Instance[];
    readonly securityGroupId: string;
  },
): void {
  new TerraformOutput(owner, "VipAddresses", {
    description: "Addresses the VIPs listen on",
    value: Lazy.listValue({ produce: () => outputs.vipAddresses() }),
  });
  if (topology.pair) {
    new TerraformOutput(owner, "InstanceIds", {
      description: "The pair's instances, preferred master first",
      value: outputs.instances.map((i) => i.id),
    });
  } else if (!topology.fleet) {
    new TerraformOutput(owner, "InstanceId", { value: outputs.instances[0].id });
  }
  new TerraformOutput(owner, "SecurityGroupId", { value: outputs.securityGroupId });
}
