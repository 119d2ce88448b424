/**
 * What the instance role of a fleet may do beyond every node's: complete a launch lifecycle
 * action of its own Auto Scaling group (the ready program, once the config document is
 * applied), and nothing else. The group's ARN from its fixed name, so the policy exists before
 * the group launches a node.
 */
import { Construct, IamRole, IamRolePolicy } from "../framework";
import type { Arns } from "./arns";
import { NAME_PREFIX } from "./names";

export function fleetPolicy(
  scope: Construct,
  role: IamRole,
  arns: Arns,
  groupName: string,
): IamRolePolicy {
  return new IamRolePolicy(scope, "FleetPolicy", {
    namePrefix: `${NAME_PREFIX}fleet-`,
    role: role.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CompleteTheLaunchOfItsNodes",
          Effect: "Allow",
          Action: ["autoscaling:CompleteLifecycleAction"],
          // The group's id is a UUID AWS assigns: any, with this name [Service Authorization
          // Reference, Amazon EC2 Auto Scaling, resource type autoScalingGroup].
          Resource: arns.of("autoscaling", `autoScalingGroup:*:autoScalingGroupName/${groupName}`),
        },
      ],
    }),
  });
}
