import {
  Construct,
  DataAwsPartition,
  IamInstanceProfile,
  IamRole,
  IamRolePolicy,
  Lazy,
} from "../framework";
import { AGENT_STATEMENTS, readDocumentsStatement } from "./agent-policy";
import { NAME_PREFIX } from "./names";

/**
 * The instance's role: the SSM agent's calls (Session Manager instead of SSH,
 * config delivery by State Manager) and nothing else. Later features (TLS keys
 * from SSM Parameter Store, address moves) add policies scoped to their own
 * resources.
 */
export class InstanceRole extends Construct {
  public readonly role: IamRole;
  public readonly instanceProfile: IamInstanceProfile;
  /** The SSM agent's policy, which the boot's agent needs before it registers. */
  public readonly agentPolicy: IamRolePolicy;
  /** The AWS partition (`aws`, `aws-cn`, ...), read once for every ARN of the load balancer. */
  public readonly partition: string;
  /** The partition's DNS suffix (`amazonaws.com`, ...), for service names such as kms:ViaService's. */
  public readonly dnsSuffix: string;
  private readonly documentArns: string[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "Partition");
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
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
    this.agentPolicy = new IamRolePolicy(this, "AgentPolicy", {
      namePrefix: `${NAME_PREFIX}ssm-agent-`,
      role: this.role.id,
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [...AGENT_STATEMENTS, readDocumentsStatement(this.documentArns)],
          }),
      }),
    });
    this.instanceProfile = new IamInstanceProfile(this, "Profile", {
      namePrefix: NAME_PREFIX,
      role: this.role.name,
    });
  }

  /** Lets the SSM agent read a document its associations run. */
  public agentReads(documentArn: string): void {
    this.documentArns.push(documentArn);
  }
}
