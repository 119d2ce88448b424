/**
 * Props for private subnets without internet, and their checks: the VPC
 * endpoints to create, an apt proxy, packages baked into the AMI.
 */
import { fail } from "../core/errors";
import { OperatingSystemRelease } from "../instance/operating-system";
import { PackageSource } from "../instance/package-source";
import { Construct, Token } from "../framework";
import { isIpv4 } from "../net/ipv4";
import { checkId } from "./checks";
import { ExchangeLoadBalancerProps } from "./props";
import { BootReach } from "./rule-plan";
import { VpcEndpointsProps } from "./vpc-endpoints-props";

/** An apt proxy as the security rules need it. */
export interface ProxyAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** The checked apt proxy; undefined without one. */
export function aptProxyOf(scope: Construct, url: string | undefined): ProxyAddress | undefined {
  if (url === undefined) return undefined;
  const fix =
    "give http://<address or name>:<port>, e.g. http://10.0.0.5:3128, without user or path";
  if (Token.isUnresolved(url))
    fail(scope, "aptProxy is a token, but user-data is written at synth", fix);
  const match = /^http:\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(url);
  const port = Number(match?.[2] ?? 80);
  if (!match || port < 1 || port > 65535) {
    fail(scope, `aptProxy "${url}" is not an http:// URL of a proxy`, fix);
  }
  return { url: `http://${match[1]}:${port}`, host: match[1], port };
}

/** Where packages and the SSM agent come from, checked. */
export function packageSourceOf(
  scope: Construct,
  props: ExchangeLoadBalancerProps,
  release: OperatingSystemRelease,
): PackageSource {
  const proxy = aptProxyOf(scope, props.aptProxy);
  const inAmi = props.packagesInAmi ?? false;
  if (inAmi && props.amiId === undefined) {
    fail(
      scope,
      "packagesInAmi is set, but the default Debian AMI has none of the packages",
      `give amiId, an AMI built from ${release.name} with the packages the README's Private subnets section lists`,
    );
  }
  // An S3 gateway endpoint reaches the agent's bucket directly; a proxy need not allow S3.
  const agentDirect = props.vpcEndpoints?.s3RouteTableIds !== undefined;
  return { aptProxy: proxy?.url, inAmi, agentProxy: agentDirect ? undefined : proxy?.url };
}

/** Where the boot reaches its packages, the SSM agent's package and the AWS APIs. */
export function bootReachOf(
  props: Pick<ExchangeLoadBalancerProps, "vpcEndpoints">,
  settings: { packageSource: PackageSource; installSsmAgent: boolean; pair?: unknown },
): BootReach {
  const { aptProxy, inAmi, agentProxy } = settings.packageSource;
  return {
    mirrorsDirect: !inAmi && aptProxy === undefined,
    agentFromS3Direct:
      settings.installSsmAgent &&
      !inAmi &&
      agentProxy === undefined &&
      props.vpcEndpoints?.s3RouteTableIds === undefined,
    awsApisDirect: props.vpcEndpoints === undefined,
    pair: settings.pair !== undefined,
  };
}

/** The VPC endpoints' props, checked. */
export function checkVpcEndpoints(scope: Construct, props: VpcEndpointsProps | undefined): void {
  if (!props) return;
  if (props.subnetIds.length === 0) {
    fail(
      scope,
      "vpcEndpoints.subnetIds is empty",
      "give the subnets of the endpoints, e.g. the nodes' subnets",
    );
  }
  for (const [name, ids, prefix] of [
    ["vpcEndpoints.subnetIds", props.subnetIds, "subnet-"],
    ["vpcEndpoints.s3RouteTableIds", props.s3RouteTableIds ?? [], "rtb-"],
  ] as const) {
    ids.forEach((id) => checkId(scope, name, id, prefix));
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated) fail(scope, `${name} lists ${repeated} twice`, "list each once");
  }
  if (props.s3RouteTableIds?.length === 0) {
    fail(
      scope,
      "vpcEndpoints.s3RouteTableIds is empty",
      "list the instances' route tables, or omit it",
    );
  }
}

/** A proxy given by address gets an egress rule; a name's address is not known at synth. */
export function proxyCidr(proxy: ProxyAddress): string | undefined {
  return isIpv4(proxy.host) ? `${proxy.host}/32` : undefined;
}
