import {
  Construct,
  DataAwsPartition,
  IamInstanceProfile,
  IamRole,
  IamRolePolicy,
  Instance,
  Lazy,
} from "../framework";
import { AGENT_STATEMENTS, ownInstanceStatement, readDocumentsStatement } from "./agent-policy";
import type { Arns } from "./arns";
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

  /**
   * The agent's calls that name the instance, allowed on these instances
   * alone. It names them, so they cannot wait for it: the agent registers
   * again at its next health ping (5 minutes) if it starts first; config
   * rollouts wait for it.
   */
  public agentActsAs(instances: readonly Instance[], arns: Arns): IamRolePolicy {
    return new IamRolePolicy(this, "OwnInstancePolicy", {
      namePrefix: `${NAME_PREFIX}own-instance-`,
      role: this.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          ownInstanceStatement(
            instances.map((i) => arns.of("ec2", `instance/${i.id}`)),
            arns.of("ssm", "association/*"),
          ),
        ],
      }),
    });
  }

  /** Lets the SSM agent read a document its associations run. */
  public agentReads(documentArn: string): void {
    this.documentArns.push(documentArn);
  }
}
