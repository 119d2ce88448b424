/** ARNs in the deploying account and region, for role policies scoped to single resources. */
import { Construct, DataAwsCallerIdentity, DataAwsRegion } from "../framework";

export class Arns extends Construct {
  /** The deploying region (a token). */
  public readonly region: string;
  private readonly account: string;

  /**
   * @param partition the partition the instance role already reads
   * @param dnsSuffix the partition's DNS suffix, e.g. amazonaws.com
   */
  constructor(
    scope: Construct,
    id: string,
    private readonly partition: string,
    private readonly dnsSuffix: string,
  ) {
    super(scope, id);
    this.region = new DataAwsRegion(this, "Region").region;
    this.account = new DataAwsCallerIdentity(this, "Account").accountId;
  }

  /** A regional service's name as kms:ViaService gives it: `<service>.<region>.<dns suffix>`. */
  public service(name: string): string {
    return `${name}.${this.region}.${this.dnsSuffix}`;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
  public of(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }
}
