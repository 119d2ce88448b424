/**
 * The load balancer's EC2 instances: one, or the pair's two at fixed
 * addresses; the latest official Debian AMI of the release unless one is given; IMDSv2
 * only; an encrypted gp3 root volume; the instance role; user-data rendered at
 * synth, after every VIP is added, and read at first boot only.
 */
import { encodeUserData } from "../cloud-init/user-data";
import { fail } from "../core/errors";
import { idPart } from "../core/id";
import { Construct, DataAwsAmi, Instance, Lazy } from "../framework";
import { DEBIAN_AMI_OWNER, OperatingSystemRelease } from "../instance/operating-system";
import { ONE_INSTANCE_KEY } from "../instance/source-addresses";
import { PairNode } from "../pair/pair-node";
import { DEFAULT_INSTANCE_TYPE } from "./aws-limits";
import { Dependable, addressOf } from "./dependencies";
import { NODES_TAG } from "./names";
import { ExchangeLoadBalancerProps } from "./props";
import { LoadBalancerSettings } from "./resolve-props";

export interface InstancesProps {
  readonly props: ExchangeLoadBalancerProps;
  readonly settings: LoadBalancerSettings;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /**
   * What the boot uses at once, created first: the SSM agent's policy, the
   * egress to the mirrors, S3 and AWS APIs. (The failover policy names the
   * instances, so it cannot be; its claims retry instead.)
   */
  readonly bootNeeds: readonly Dependable[];
  /** The node's user-data text; `version` changes whenever it may have changed. */
  readonly userData: {
    readonly render: (node?: PairNode) => string;
    readonly version: () => number;
  };
  /** One instance's secondary private IPs: the VIP addresses. */
  readonly vipAddresses: () => string[];
}

/** Creates the instances in `owner`, preferred master first. */
export function createInstances(owner: Construct, p: InstancesProps): Instance[] {
  const { props, settings } = p;
  const ami = props.amiId ?? latestDebian(owner, settings.operatingSystem);
  const encoded = encodedUserData(owner, p.userData);
  const common = (pairNode: PairNode | undefined) => instanceBase(owner, p, pairNode, ami, encoded);
  const pair = settings.pair;
  if (!pair) {
    const instance = new Instance(owner, "Instance", {
      ...common(undefined),
      subnetId: props.subnetId,
      secondaryPrivateIps: Lazy.listValue({
        produce: () => [...p.vipAddresses(), ...sourceAddressesOf(settings, ONE_INSTANCE_KEY)],
      }),
    });
    bootAfter([instance], p.bootNeeds);
    return [instance];
  }
  const [first, second] = pair.nodes.map(
    (pairNode) =>
      new Instance(owner, `Node-${idPart(pairNode.address)}`, {
        ...common(pairNode),
        subnetId: pairNode.subnetId,
        privateIp: pairNode.address,
        // A route to a VIP outside the VPC delivers packets not addressed to the instance.
        sourceDestCheck: pair.placement.kind === "route-table" ? false : undefined,
        associatePublicIpAddress: pair.placement.nodesNeedPublicAddress ? true : undefined,
        secondaryPrivateIps: pairNode.sourceAddresses?.length
          ? [...pairNode.sourceAddresses]
          : undefined,
      }),
  );
  // Belt and braces: Terraform changes the second node only after the first.
  second.dependsOn = [addressOf(first)];
  bootAfter([first, second], p.bootNeeds);
  return [first, second];
}

/** What one instance and both pair nodes share: image, type, role, IMDSv2, disk, user-data, tags. */
function instanceBase(
  owner: Construct,
  p: InstancesProps,
  pairNode: PairNode | undefined,
  ami: string,
  encoded: ReturnType<typeof encodedUserData>,
) {
  const { props, settings } = p;
  const vipsMove = settings.pair?.placement.kind === "secondary-ip";
  return {
    ami: pairNode?.amiId ?? ami,
    instanceType: pairNode?.instanceType ?? props.instanceType ?? DEFAULT_INSTANCE_TYPE,
    vpcSecurityGroupIds: [p.securityGroupId],
    iamInstanceProfile: p.instanceProfileName,
    metadataOptions: {
      httpTokens: "required",
      httpEndpoint: "enabled",
      httpPutResponseHopLimit: 1,
    },
    rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: settings.rootVolumeSizeGib },
    userData: Lazy.stringValue({ produce: () => encoded(pairNode, "userData") }),
    userDataBase64: Lazy.stringValue({ produce: () => encoded(pairNode, "userDataBase64") }),
    tags: {
      Name: pairNode ? `${owner.node.path}/${pairNode.peerName}` : owner.node.path,
      [NODES_TAG]: owner.node.path,
    },
    lifecycle: { ignoreChanges: ignoredChanges(props, pairNode, vipsMove) },
  };
}

/** The latest official amd64 AMI of the release. */
export function latestDebian(owner: Construct, release: OperatingSystemRelease): string {
  return new DataAwsAmi(owner, `Debian${release.number}`, {
    mostRecent: true,
    owners: [DEBIAN_AMI_OWNER],
    filter: [
      { name: "name", values: [release.amiNamePattern] },
      { name: "architecture", values: ["x86_64"] },
      { name: "virtualization-type", values: ["hvm"] },
    ],
  }).id;
}

/**
 * Encoded once per node and version: both lazy user-data fields read it, and
 * Terraform resolves them more than once per synth.
 */
function encodedUserData(owner: Construct, userData: InstancesProps["userData"]) {
  type Encoded = Record<string, string | undefined>;
  const cache = new Map<string, { version: number; value: Encoded }>();
  return (pairNode: PairNode | undefined, field: "userData" | "userDataBase64") => {
    const key = pairNode?.address ?? "";
    let cached = cache.get(key);
    if (cached?.version !== userData.version()) {
      cached = {
        version: userData.version(),
        value: encodeOrRefuse<Encoded>(owner, () => encodeUserData(userData.render(pairNode))),
      };
      cache.set(key, cached);
    }
    return cached.value[field];
  };
}

/** EC2 refuses user-data over 16 KB: said at synth, with the construct and what to do. */
export function encodeOrRefuse<T>(owner: Construct, encode: () => T): T {
  try {
    return encode();
  } catch (error) {
    return fail(
      owner,
      `the instance's ${(error as Error).message}`,
      "split the VIPs over two ExchangeLoadBalancers (each instance's user-data holds every VIP's config)",
    );
  }
}

/** The extra source addresses of the node with `key` in the delivered list. */
function sourceAddressesOf(settings: LoadBalancerSettings, key: string): string[] {
  return [...(settings.sourceAddresses.nodes.find((node) => node.key === key)?.addresses ?? [])];
}

/**
 * Attributes Terraform must not act on. User-data is read at first boot only:
 * config arrives out of band. A newer default AMI must not replace a running
 * load balancer. A pair's nodes follow only their own `amiId` and
 * `instanceType`, which one node at a time may have: a pair-level change would
 * stop or replace both nodes in one deploy. A pair node's source addresses are
 * assigned when it is created where the VIPs move as secondary addresses.
 */
function ignoredChanges(
  props: ExchangeLoadBalancerProps,
  pairNode: PairNode | undefined,
  vipsMove: boolean,
): string[] {
  const ignored = ["user_data", "user_data_base64"];
  // The master holds the VIPs as secondary addresses too: Terraform must not take them back.
  if (pairNode?.sourceAddresses?.length && vipsMove) ignored.push("secondary_private_ips");
  if (pairNode ? !pairNode.amiId : !props.amiId) ignored.push("ami");
  if (pairNode && !pairNode.instanceType) ignored.push("instance_type");
  return ignored;
}

/** What boots nodes: the instances, or a fleet's Auto Scaling group. */
export interface BootingNodes {
  dependsOn?: string[];
}

/** Nodes created only after `resources`, which their boot needs. */
export function bootAfter(nodes: readonly BootingNodes[], resources: readonly Dependable[]): void {
  for (const node of nodes) {
    node.dependsOn = [...(node.dependsOn ?? []), ...resources.map(addressOf)];
  }
}
