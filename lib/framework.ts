/**
 * The only module that imports the CDK for Terraform framework and the AWS
 * provider, so that a move to another framework fork touches this file alone.
 * Deep imports only: the provider's root module loads ~2,200 modules.
 * exchange-lb-cdktn (CDK Terrain) is built from this file's compiled output,
 * its imports pointed at cdktn and @cdktn/provider-aws (scripts/build-cdktn.ts).
 */
import { App as AppOfFramework } from "cdktf";
import type { IConstruct as IConstructOfFramework } from "constructs";

export { Construct } from "constructs";
export type { IConstruct } from "constructs";
export {
  Annotations,
  Lazy,
  TerraformOutput,
  TerraformProvider,
  TerraformStack,
  App,
  Token,
  Tokenization,
  DefaultTokenResolver,
  StringConcat,
  Testing,
} from "cdktf";
export { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
export { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
export { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
export { IamRole } from "@cdktf/provider-aws/lib/iam-role";
export { Instance } from "@cdktf/provider-aws/lib/instance";
export { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
export { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
export { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
export { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
export { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
export { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
export { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
export { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
export { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
export { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
export { Route } from "@cdktf/provider-aws/lib/route";
export { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
export { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
export { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
export { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
export { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy";
export { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
export { Lb } from "@cdktf/provider-aws/lib/lb";
export { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
export { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";

/** The warnings (`Annotations.addWarning`) on a construct and below it: [path, message]. */
export function warningsUnder(scope: IConstructOfFramework): [string, string][] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === "@cdktf/warn")
        .map((entry): [string, string] => [construct.node.path, String(entry.data)]),
    );
}

/**
 * The framework this build loaded, read from its jsii type name (the cdktn
 * build points this file's imports at cdktn), and the AWS provider package
 * its users install: for fixes in error messages.
 */
export const FRAMEWORK: { readonly name: string; readonly awsProvider: string } = (() => {
  const rtti = (AppOfFramework as unknown as Record<symbol, { fqn?: string } | undefined>)[
    Symbol.for("jsii.rtti")
  ];
  return rtti?.fqn?.startsWith("cdktn.")
    ? { name: "cdktn", awsProvider: "@cdktn/provider-aws 25.x" }
    : { name: "cdktf", awsProvider: "@cdktf/provider-aws 21.x" };
})();
