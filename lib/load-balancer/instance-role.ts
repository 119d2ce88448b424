import {
  Construct,
  DataAwsPartition,
  IamInstanceProfile,
  IamRole,
  IamRolePolicyAttachment,
} from "../framework";
import { NAME_PREFIX } from "./names";

/**
 * The instance's role: Session Manager access instead of SSH, nothing else.
 * Later features (TLS keys from SSM Parameter Store, address moves) add
 * policies scoped to their own resources.
 */
export class InstanceRole extends Construct {
  public readonly role: IamRole;
  public readonly instanceProfile: IamInstanceProfile;
  /** The AWS partition (`aws`, `aws-cn`, ...), read once for every ARN of the load balancer. */
  public readonly partition: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.partition = new DataAwsPartition(this, "Partition").partition;
    this.role = new IamRole(this, "Role", {
      namePrefix: NAME_PREFIX,
      description: `Exchange load balancer ${scope.node.path}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ec2.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    });
    new IamRolePolicyAttachment(this, "SessionManager", {
      role: this.role.name,
      policyArn: `arn:${this.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    this.instanceProfile = new IamInstanceProfile(this, "Profile", {
      namePrefix: NAME_PREFIX,
      role: this.role.name,
    });
  }
}
