/**
 * What the instance role of a clustered pair may do to move the VIPs: exactly
 * the EC2 calls its placement makes, on the pair's own network interfaces,
 * route tables or Elastic IP, and nothing else.
 */
import { Construct, IamRole, IamRolePolicy } from "../framework";
import type { Arns } from "./arns";
import { NAME_PREFIX } from "./names";
import { VipPlacement } from "../pair/vip-placement";

export interface FailoverPolicyProps {
  readonly role: IamRole;
  /** The load balancer's ARN builder, shared with its other policies. */
  readonly arns: Arns;
  readonly placement: VipPlacement;
  /** The primary network interfaces of both nodes. */
  readonly networkInterfaceIds: readonly string[];
  /** Both nodes' instance ids: AssociateAddress authorizes the instance behind the interface too. */
  readonly instanceIds: readonly string[];
}

export class FailoverPolicy extends Construct {
  public readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: FailoverPolicyProps) {
    super(scope, id);
    const arn = (type: string, resourceId: string) => props.arns.of("ec2", `${type}/${resourceId}`);
    const interfaces = props.networkInterfaceIds.map((eni) => arn("network-interface", eni));
    const { placement } = props;
    const statement = {
      "secondary-ip": {
        Sid: "TakeSecondaryIpsOfThePair",
        Action: ["ec2:AssignPrivateIpAddresses"],
        Resource: interfaces,
      },
      "route-table": {
        Sid: "PointVipRoutesAtThePair",
        // CreateRoute: the failover program creates a route that is missing (deleted by hand).
        Action: ["ec2:ReplaceRoute", "ec2:CreateRoute"],
        Resource: placement.routeTableIds.map((table) => arn("route-table", table)),
      },
      "elastic-ip": {
        Sid: "MoveElasticIpBetweenThePair",
        Action: ["ec2:AssociateAddress"],
        Resource: [
          arn("elastic-ip", placement.allocationId ?? ""),
          ...interfaces,
          ...props.instanceIds.map((instance) => arn("instance", instance)),
        ],
      },
    }[placement.kind];
    this.policy = new IamRolePolicy(this, "Policy", {
      namePrefix: `${NAME_PREFIX}failover-`,
      role: props.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", ...statement }],
      }),
    });
  }
}
