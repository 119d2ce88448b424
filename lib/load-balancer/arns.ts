/** ARNs in the deploying account and region, for role policies scoped to single resources. */
import { Construct, DataAwsCallerIdentity, DataAwsPartition, DataAwsRegion } from "../framework";

export class Arns extends Construct {
  private readonly partition: string;
  private readonly region: string;
  private readonly account: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.partition = new DataAwsPartition(this, "Partition").partition;
    this.region = new DataAwsRegion(this, "Region").region;
    this.account = new DataAwsCallerIdentity(this, "Account").accountId;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
  public of(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }
}
