/**
 * Private subnets without internet: the interface VPC endpoints the
 * instance's SSM agent and programs call (private DNS on, so the regional
 * names the agent and the AWS CLI use resolve to them), their security group
 * (443 from the load balancer's), an S3 gateway endpoint for the SSM agent's
 * package, and the load balancer's egress to each. Opt-in: many
 * organisations share endpoints already, and one endpoint per service and VPC
 * may hold the service's private DNS name. Instances wait for them: the boot
 * fetches certificates and installs the agent through them.
 */
import {
  Construct,
  DataAwsPartition,
  DataAwsRegion,
  SecurityGroup,
  VpcEndpoint,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { VipDescription } from "../vips/description";
import type { Dependable } from "./dependencies";
import { BootingNodes, bootAfter } from "./instances";
import { NAME_PREFIX } from "./names";
import { VpcEndpointsProps } from "./vpc-endpoints-props";

const HTTPS = 443;

/**
 * SSM agent: `ssm` (also Parameter Store certificates), `ssmmessages`
 * (Session Manager), `ec2messages` (Run Command, State Manager): AWS Systems
 * Manager User Guide, "Improve the security of EC2 instances by using VPC
 * endpoints for Systems Manager" (setup-create-vpc). KMS needs none: Parameter
 * Store and Secrets Manager decrypt on the caller's behalf (kms:ViaService).
 */
const AGENT_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;
/** A pair's failover program calls EC2 (assign-private-ip-addresses, replace-route, associate-address). */
const PAIR_SERVICE = "ec2";
/** A certificate in Secrets Manager (`secretsmanager get-secret-value`). */
const SECRETS_SERVICE = "secretsmanager";
/** CloudWatch's API (PutMetricData): its endpoint service is named monitoring. */
const METRICS_SERVICE = "monitoring";
/** CloudWatch Logs (PutLogEvents), when HAProxy's logs go there. */
const LOGS_SERVICE = "logs";

export interface VpcEndpointsSetup {
  readonly vpcId: string;
  readonly endpoints: VpcEndpointsProps;
  readonly pair: boolean;
  /** The nodes publish metrics to CloudWatch (`monitoring`). */
  readonly metrics: boolean;
  /** The nodes ship HAProxy's logs to CloudWatch Logs (`logs`). */
  readonly logs: boolean;
  /** The load balancer's security group. */
  readonly securityGroupId: string;
  readonly bootingNodes: readonly BootingNodes[];
  readonly forEachVip: (callback: (vip: VipDescription) => void) => void;
}

export class VpcEndpoints extends Construct {
  private readonly group: SecurityGroup;
  private readonly region: string;
  private readonly partition: DataAwsPartition;

  constructor(
    scope: Construct,
    id: string,
    private readonly setup: VpcEndpointsSetup,
  ) {
    super(scope, id);
    this.region = new DataAwsRegion(this, "Region").region;
    this.partition = new DataAwsPartition(this, "Partition");
    this.group = new SecurityGroup(this, "SecurityGroup", {
      namePrefix: `${NAME_PREFIX}endpoints-`,
      description: `Exchange load balancer ${scope.node.path}: VPC endpoints, HTTPS from the load balancer`,
      vpcId: setup.vpcId,
      tags: { Name: `${scope.node.path}/VpcEndpoints` },
    });
    const https = { ipProtocol: "tcp", fromPort: HTTPS, toPort: HTTPS };
    this.waitFor(
      new VpcSecurityGroupIngressRule(this, `Ingress-${HTTPS}-LoadBalancer`, {
        ...https,
        securityGroupId: this.group.id,
        referencedSecurityGroupId: setup.securityGroupId,
        description: "Exchange load balancer to the VPC endpoints",
      }),
      new VpcSecurityGroupEgressRule(this, `Egress-${HTTPS}-Endpoints`, {
        ...https,
        securityGroupId: setup.securityGroupId,
        referencedSecurityGroupId: this.group.id,
        description: "AWS APIs through the VPC endpoints",
      }),
    );
    for (const service of AGENT_SERVICES) this.addInterface(service);
    if (setup.pair) this.addInterface(PAIR_SERVICE);
    if (setup.metrics) this.addInterface(METRICS_SERVICE);
    if (setup.logs) this.addInterface(LOGS_SERVICE);
    if (setup.endpoints.s3RouteTableIds) this.addS3Gateway(setup.endpoints.s3RouteTableIds);
    setup.forEachVip((vip) => {
      if (vip.terminatedTls?.certificate.store === "secretsmanager")
        this.addInterface(SECRETS_SERVICE);
    });
  }

  private serviceName(service: string): string {
    return `${this.partition.reverseDnsPrefix}.${this.region}.${service}`;
  }

  /** One interface endpoint per service, created once. */
  private addInterface(service: string): void {
    if (this.node.tryFindChild(service)) return;
    this.waitFor(
      new VpcEndpoint(this, service, {
        vpcId: this.setup.vpcId,
        serviceName: this.serviceName(service),
        vpcEndpointType: "Interface",
        subnetIds: this.setup.endpoints.subnetIds,
        securityGroupIds: [this.group.id],
        privateDnsEnabled: true,
        tags: { Name: `${this.node.scope?.node.path}/${service}` },
      }),
    );
  }

  /**
   * The SSM agent's package is in `amazon-ssm-<region>` (AWS Systems Manager
   * User Guide, "SSM Agent communications with AWS managed S3 buckets"); the
   * endpoint allows that bucket alone, since this library uses no Patch
   * Manager or Distributor buckets.
   */
  private addS3Gateway(routeTableIds: string[]): void {
    const bucket = `arn:${this.partition.partition}:s3:::amazon-ssm-${this.region}`;
    const gateway = new VpcEndpoint(this, "s3", {
      vpcId: this.setup.vpcId,
      serviceName: this.serviceName("s3"),
      vpcEndpointType: "Gateway",
      routeTableIds,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "SsmAgentPackage",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: `${bucket}/*`,
          },
        ],
      }),
      tags: { Name: `${this.node.scope?.node.path}/s3` },
    });
    this.waitFor(
      gateway,
      new VpcSecurityGroupEgressRule(this, `Egress-${HTTPS}-S3`, {
        ipProtocol: "tcp",
        fromPort: HTTPS,
        toPort: HTTPS,
        securityGroupId: this.setup.securityGroupId,
        prefixListId: gateway.prefixListId,
        description: "The SSM agent package from S3 through the gateway endpoint",
      }),
    );
  }

  /** The instances boot only once these exist: the boot calls through them. */
  private waitFor(...resources: Dependable[]): void {
    bootAfter(this.setup.bootingNodes, resources);
  }
}
