import { fail } from "../core/errors";
import { renderCloudConfig } from "../cloud-init/cloud-config";
import { EncodedUserData, encodeUserData } from "../cloud-init/user-data";
import { ExchangeProfile, profileFor } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { ExchangeVersion } from "../exchange/version";
import {
  Construct,
  DataAwsAmi,
  Instance,
  Lazy,
  Route,
  SecurityGroup,
  TerraformOutput,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { renderHaproxyConfig } from "../haproxy/render";
import { isIpv4, parseCidr } from "../net/ipv4";
import type { ExchangeVip } from "../vips/vip";
import { validateServers } from "../vips/vip";
import { buildHaproxyConfig, PairHaproxyOptions } from "./haproxy-config";
import { ConfigDelivery } from "./config-delivery";
import { Duration } from "../core/duration";
import { renderConfigDocument } from "../delivery/config-document";
import { renderReservedPorts } from "../delivery/reserved-ports";
import { renderVipList } from "../delivery/vip-list";
import { FailoverPolicy } from "./failover-policy";
import { Arns } from "./arns";
import { CertificatePolicy } from "./certificate-policy";
import { renderCertificateList } from "../tls/certificate-script";
import { InstanceRole } from "./instance-role";
import { checkId, requireConcrete } from "./checks";
import { HighAvailabilityProps, PairSettings, pairSettings } from "./pair-settings";
import { PairRules } from "./pair-rules";
import { renderFailoverConfig } from "../pair/failover-script";
import { renderKeepalivedConfig } from "../pair/keepalived-config";
import { PEER_PORT, PairNode } from "../pair/pair-node";
import { PlannedRule, planEgress, planIngress, planServerIngress } from "./security-rules";

export type { HighAvailabilityProps } from "./pair-settings";

export interface ExchangeLoadBalancerProps {
  /** The Exchange release; selects the guide defaults (see the README defaults table). */
  readonly exchangeVersion: ExchangeVersion;
  /** VPC of the load balancer's security group. */
  readonly vpcId: string;
  /**
   * Subnet of the instance; the VIP addresses must lie in it. A clustered pair
   * takes its subnets from `highAvailability.nodes` instead.
   * @default required unless `highAvailability` is given
   */
  readonly subnetId?: string;
  /** The address clients connect to, e.g. the IP behind `mail.example.com`. */
  readonly vipAddress: string;
  /** CIDR blocks that may reach the client-facing VIPs. */
  readonly clientCidrs: string[];
  /** The Exchange servers (the guides' real servers). */
  readonly servers: RealServer[];
  /**
   * Host header of HTTPS health checks; the namespace clients use.
   * @default the VIP address
   */
  readonly namespace?: string;
  /**
   * EC2 instance type. 2 vCPU and 2 GiB: the guides' virtual appliance has 1 CPU
   * and 2 GB (001 §9), and TCP-mode HAProxy needs little more. A pair's nodes take
   * it when created; change a running pair node by node (`nodes[].instanceType`).
   * @default "t3.small"
   */
  readonly instanceType?: string;
  /**
   * AMI of the instance; must be Debian 12 (bookworm), whose HAProxy 2.6 the tests validate against.
   * A pair's nodes take it when created; roll a running pair node by node (`nodes[].amiId`).
   * @default the latest official Debian 12 amd64 AMI (owner 136693071363)
   */
  readonly amiId?: string;
  /**
   * HAProxy's global connection limit; each proxied connection holds two file descriptors.
   * @default 20000
   */
  readonly maxconn?: number;
  /**
   * Security group of the Exchange servers; when given, it gains ingress rules from
   * the load balancer on exactly the ports the VIPs forward and check.
   * @default no rules are added to the servers' group
   */
  readonly serverSecurityGroupId?: string;
  /**
   * Size of the encrypted gp3 root volume in GiB.
   * @default 8
   */
  readonly rootVolumeSizeGib?: number;
  /**
   * Install the SSM agent at boot so Session Manager replaces SSH.
   * @default true
   */
  readonly installSsmAgent?: boolean;
  /**
   * A clustered pair (001 appendix 6, 004 appendix 5): two instances, keepalived
   * with unicast VRRP between them, the master holding the VIPs.
   * @default one instance
   */
  readonly highAvailability?: HighAvailabilityProps;
  /**
   * Make `cdktf deploy` wait until every instance has applied a changed config
   * (delivered out of band by SSM, one instance at a time), so that a config
   * refused by `haproxy -c` fails the deploy.
   * @default true
   */
  readonly waitForConfigRollout?: boolean;
  /**
   * How long `cdktf deploy` waits for the config rollout.
   * @default Duration.minutes(10)
   */
  readonly configRolloutTimeout?: Duration;
}

const DEBIAN_OWNER = "136693071363";
const MAXCONN_LIMIT = 1_000_000;

/**
 * One EC2 instance running HAProxy in front of the Exchange servers. Add VIPs
 * (`CasHttpsVip`, `RpcStaticPortVip`, `ImapVip`, `PopVip`, `SmtpVip`) as children;
 * haproxy.cfg, user-data and security-group rules follow from them.
 */
export class ExchangeLoadBalancer extends Construct {
  public readonly profile: ExchangeProfile;
  public readonly vipAddress: string;
  public readonly clientCidrs: readonly string[];
  public readonly servers: readonly RealServer[];
  public readonly namespace: string;
  public readonly maxconn: number;
  public readonly securityGroup: SecurityGroup;
  /** The instance, or the preferred master of a pair. */
  public readonly instance: Instance;
  /** One instance, or the pair's two, preferred master first. */
  public readonly instances: readonly Instance[];
  private readonly pair?: PairSettings;
  private routeScope?: Construct;
  private readonly role: InstanceRole;
  private certificatePolicy?: CertificatePolicy;
  private arnBuilder?: Arns;
  private readonly configDelivery: ConfigDelivery;
  private readonly vipList: ExchangeVip[] = [];
  private readonly encoded = new Map<string, { vipCount: number; value: EncodedUserData }>();
  private readonly installSsmAgent: boolean;
  private readonly ruleScopes: {
    readonly ingress: Construct;
    readonly egress: Construct;
    /** Rules on the Exchange servers' group, when `serverSecurityGroupId` is given. */
    readonly servers?: { readonly scope: Construct; readonly groupId: string };
  };

  constructor(scope: Construct, id: string, props: ExchangeLoadBalancerProps) {
    super(scope, id);
    this.profile = profileFor(props.exchangeVersion);
    this.vipAddress = requireConcrete(this, "vipAddress", props.vipAddress);
    if (!isIpv4(this.vipAddress)) {
      fail(
        this,
        `vipAddress "${props.vipAddress}" is not an IPv4 address`,
        "give the VIP as a.b.c.d inside the subnet",
      );
    }
    if (props.clientCidrs.length === 0) {
      fail(
        this,
        "clientCidrs is empty, so no client could reach a VIP",
        "list the client networks, e.g. ['10.0.0.0/8']",
      );
    }
    this.clientCidrs = props.clientCidrs.map((cidr) => {
      const parsed = parseCidr(requireConcrete(this, "clientCidrs", cidr));
      if (typeof parsed === "string")
        fail(this, `clientCidrs: ${parsed}`, "give CIDR blocks such as 192.168.0.0/16");
      return cidr;
    });
    this.servers = validateServers(this, props.servers);
    this.namespace = props.namespace ?? this.vipAddress;
    if (!/^[A-Za-z0-9.-]+$/.test(this.namespace)) {
      fail(
        this,
        `namespace "${this.namespace}" is not a host name`,
        "give a DNS name such as mail.example.com",
      );
    }
    this.maxconn = props.maxconn ?? 20000;
    if (!Number.isInteger(this.maxconn) || this.maxconn < 1 || this.maxconn > MAXCONN_LIMIT) {
      fail(
        this,
        `maxconn ${props.maxconn} is not a count from 1 to ${MAXCONN_LIMIT}`,
        "give a whole number of connections",
      );
    }
    const rootSize = props.rootVolumeSizeGib ?? 8;
    if (!Number.isInteger(rootSize) || rootSize < 8) {
      fail(this, `rootVolumeSizeGib ${rootSize} is below the Debian AMI's 8 GiB`, "give 8 or more");
    }
    checkId(this, "vpcId", props.vpcId, "vpc-");
    checkId(this, "subnetId", props.subnetId, "subnet-");
    checkId(this, "amiId", props.amiId, "ami-");
    checkId(this, "serverSecurityGroupId", props.serverSecurityGroupId, "sg-");
    this.installSsmAgent = props.installSsmAgent ?? true;

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      namePrefix: "exchange-lb-",
      description: `Exchange load balancer ${this.node.path}: client VIPs in, real servers out`,
      vpcId: props.vpcId,
      tags: { Name: this.node.path },
    });
    this.ruleScopes = {
      ingress: new Construct(this, "ClientIngress"),
      egress: new Construct(this, "Egress"),
      servers: props.serverSecurityGroupId
        ? { scope: new Construct(this, "ServerIngress"), groupId: props.serverSecurityGroupId }
        : undefined,
    };

    this.pair = props.highAvailability
      ? pairSettings(this, props.highAvailability, {
          subnetId: props.subnetId,
          vipAddress: this.vipAddress,
        })
      : undefined;
    if (!this.pair && props.subnetId === undefined) {
      fail(this, "subnetId is missing", "give the subnet of the instance, e.g. subnet-0abc");
    }

    const role = new InstanceRole(this, "InstanceRole");
    this.role = role;
    const ami =
      props.amiId ??
      new DataAwsAmi(this, "Debian12", {
        mostRecent: true,
        owners: [DEBIAN_OWNER],
        filter: [
          { name: "name", values: ["debian-12-amd64-*"] },
          { name: "architecture", values: ["x86_64"] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      }).id;
    const instanceType = props.instanceType ?? "t3.small";
    const instanceProps = (node: PairNode | undefined) => ({
      ami: node?.amiId ?? ami,
      instanceType: node?.instanceType ?? instanceType,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: role.instanceProfile.name,
      metadataOptions: {
        httpTokens: "required",
        httpEndpoint: "enabled",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: rootSize },
      userData: Lazy.stringValue({ produce: () => this.encodedUserData("userData", node) }),
      userDataBase64: Lazy.stringValue({
        produce: () => this.encodedUserData("userDataBase64", node),
      }),
      tags: { Name: node ? `${this.node.path}/${node.peerName}` : this.node.path },
      lifecycle: { ignoreChanges: ignoredChanges(props, node) },
    });

    if (!this.pair) {
      this.instance = new Instance(this, "Instance", {
        ...instanceProps(undefined),
        subnetId: props.subnetId,
        secondaryPrivateIps: Lazy.listValue({ produce: () => this.vipAddresses }),
      });
      this.instances = [this.instance];
    } else {
      const { nodes, placement } = this.pair;
      const [first, second] = nodes.map(
        (node) =>
          new Instance(this, `Node-${idPart(node.address)}`, {
            ...instanceProps(node),
            subnetId: node.subnetId,
            privateIp: node.address,
            // A route to a VIP outside the VPC delivers packets not addressed to the instance.
            sourceDestCheck: placement.kind === "route-table" ? false : undefined,
          }),
      );
      // Belt and braces: Terraform changes the second node only after the first.
      second.dependsOn = [first.fqn];
      this.instance = first;
      this.instances = [first, second];
      new FailoverPolicy(this, "FailoverPolicy", {
        role: role.role,
        arns: this.arns,
        placement,
        networkInterfaceIds: this.instances.map((i) => i.primaryNetworkInterfaceId),
      });
      new PairRules(this, "PairRules", this.securityGroup.id);
      if (placement.kind === "route-table") this.routeScope = new Construct(this, "VipRoutes");
    }

    const rolloutSeconds =
      props.waitForConfigRollout === false
        ? 0
        : (props.configRolloutTimeout ?? Duration.minutes(10)).toMilliseconds() / 1000;
    if (!Number.isInteger(rolloutSeconds)) {
      fail(
        this,
        `configRolloutTimeout ${rolloutSeconds} s is not a whole number of seconds`,
        "give e.g. Duration.minutes(10)",
      );
    }
    this.configDelivery = new ConfigDelivery(this, "ConfigDelivery", {
      content: () =>
        renderConfigDocument(
          {
            haproxyConfig: this.renderHaproxyConfig(),
            vipList: renderVipList(this.localVipAddresses),
            certificateList: this.renderCertificateList(),
            reservedPorts: renderReservedPorts(this.listenPorts),
          },
          `Exchange load balancer ${this.node.path}: haproxy.cfg and VIP list`,
        ),
      instanceIds: this.instances.map((i) => i.id),
      waitSeconds: rolloutSeconds,
    });

    new TerraformOutput(this, "VipAddresses", {
      description: "Addresses the VIPs listen on",
      value: Lazy.listValue({ produce: () => this.vipAddresses }),
    });
    if (this.pair) {
      new TerraformOutput(this, "InstanceIds", {
        description: "The pair's instances, preferred master first",
        value: this.instances.map((i) => i.id),
      });
    } else {
      new TerraformOutput(this, "InstanceId", { value: this.instance.id });
    }
    new TerraformOutput(this, "SecurityGroupId", { value: this.securityGroup.id });

    this.node.addValidation({
      validate: () =>
        this.vipList.length === 0
          ? [
              "no VIPs. Fix: add at least one, e.g. new CasHttpsVip(lb, 'CasWeb'), or remove the load balancer",
            ]
          : [],
    });
  }

  /** The VIPs added so far, in the order they were added. */
  public get vips(): readonly ExchangeVip[] {
    return this.vipList;
  }

  /** Distinct VIP addresses, in the order they first appear. */
  public get vipAddresses(): string[] {
    return [...new Set(this.vipList.map((vip) => vip.address))];
  }

  /** The exact haproxy.cfg the instance runs; the same on both nodes of a pair. */
  public renderHaproxyConfig(): string {
    return renderHaproxyConfig(
      buildHaproxyConfig(this.profile, this.vipList, this.maxconn, this.pairHaproxyOptions()),
    );
  }

  /** Addresses a node puts on its interface while it holds the VIPs; none for an Elastic IP. */
  public get localVipAddresses(): string[] {
    return this.pair?.placement.bindsWildcard ? [] : this.vipAddresses;
  }

  /** The certificates list file: one bundle per terminating VIP, fetched at boot and on rollout. */
  public renderCertificateList(): string {
    return renderCertificateList(
      this.vipList.flatMap((vip) => {
        const t = vip.terminatedCertificate;
        return t ? [t.certificate.listLine(t.path)] : [];
      }),
    );
  }

  /** Every TCP port HAProxy listens on: the VIPs' and their redirects', the pair's peers. */
  private get listenPorts(): number[] {
    return [
      ...this.vipList.flatMap((vip) => [...vip.ports, ...vip.redirectPorts]),
      ...(this.pair ? [PEER_PORT] : []),
    ];
  }

  /** The pair's node addresses, preferred master first; empty for one instance. */
  public get nodeAddresses(): string[] {
    return this.pair ? this.pair.nodes.map((node) => node.address) : [];
  }

  /**
   * The exact user-data (cloud-config) an instance boots with, before encoding.
   * @param nodeAddress the node of a pair; omit for one instance
   */
  public renderUserData(nodeAddress?: string): string {
    const node = this.pairNode(nodeAddress);
    return renderCloudConfig({
      haproxyConfig: this.renderHaproxyConfig(),
      vipList: renderVipList(this.localVipAddresses),
      certificateList: this.renderCertificateList(),
      reservedPorts: renderReservedPorts(this.listenPorts),
      maxconn: this.maxconn,
      installSsmAgent: this.installSsmAgent,
      pair: node && {
        keepalivedConfig: this.renderKeepalivedConfig(node.address),
        failoverConfig: this.renderFailoverConfig(node.address),
        localPeer: node.peerName,
      },
    });
  }

  /** keepalived.conf of one node of the pair. */
  public renderKeepalivedConfig(nodeAddress: string): string {
    const { pair, node } = this.pairNodeOf(nodeAddress);
    return renderKeepalivedConfig({
      address: node.address,
      peerAddress: node.peerAddress,
      priority: node.priority,
      virtualRouterId: pair.virtualRouterId,
    });
  }

  /** failover.conf of one node of the pair: how it claims the VIPs. */
  public renderFailoverConfig(nodeAddress: string): string {
    const { pair, node } = this.pairNodeOf(nodeAddress);
    const { placement } = pair;
    return renderFailoverConfig({
      placement: placement.kind,
      nodeAddress: node.address,
      routeTableIds: placement.routeTableIds,
      allocationId: placement.allocationId,
    });
  }

  /**
   * Called by each VIP as it is created: refuses a listener that another VIP
   * already holds, then adds the VIP's security-group rules.
   * @internal
   */
  public registerVip(vip: ExchangeVip): void {
    const taken = new Map<string, ExchangeVip>();
    for (const other of this.vipList) {
      for (const bind of other.binds) taken.set(`${bind.address}:${bind.port}`, other);
    }
    const own = new Set<string>();
    for (const bind of vip.binds) {
      const key = `${bind.address}:${bind.port}`;
      const holder = taken.get(key);
      if (holder) {
        fail(
          vip,
          `${key} is already used by ${holder.node.path}`,
          "give this VIP another port or another address",
        );
      }
      if (own.has(key))
        fail(vip, `port ${bind.port} is listed twice`, "give each port of the VIP once");
      own.add(key);
    }
    if (this.pair?.placement.bindsWildcard && vip.address !== this.vipAddress) {
      fail(
        vip,
        `address ${vip.address} differs from the Elastic IP ${this.vipAddress}`,
        "with VipPlacement.elasticIp every VIP uses the load balancer's vipAddress; give each VIP its own ports",
      );
    }
    if (this.pair && this.nodeAddresses.includes(vip.address)) {
      fail(
        vip,
        `address ${vip.address} is a node's own address`,
        "give the VIP an address of its own",
      );
    }
    this.vipList.push(vip);
    if (vip.terminatedCertificate && !this.certificatePolicy) {
      this.certificatePolicy = new CertificatePolicy(
        this,
        "CertificatePolicy",
        this.role.role,
        this.arns,
        () => this.vipList.flatMap((v) => v.terminatedCertificate?.certificate ?? []),
      );
    }
    if (this.routeScope && this.pair) {
      for (const table of this.pair.placement.routeTableIds) {
        const id = `${table}-${idPart(vip.address)}_32`;
        if (this.routeScope.node.tryFindChild(id)) continue;
        new Route(this.routeScope, id, {
          routeTableId: table,
          destinationCidrBlock: `${vip.address}/32`,
          networkInterfaceId: this.instance.primaryNetworkInterfaceId,
          // The failover script repoints the route at the master; Terraform only creates it.
          lifecycle: { ignoreChanges: ["network_interface_id"] },
        });
      }
    }
    const lbGroup = this.securityGroup.id;
    const { ingress, egress, servers } = this.ruleScopes;
    for (const rule of newRules(ingress, planIngress(vip))) {
      new VpcSecurityGroupIngressRule(ingress, rule.id, ruleConfig(lbGroup, rule));
    }
    // The paths to the real servers open before a config that uses them is rolled out.
    const pathsToServers: string[] = [];
    for (const rule of newRules(egress, planEgress(vip))) {
      pathsToServers.push(
        new VpcSecurityGroupEgressRule(egress, rule.id, ruleConfig(lbGroup, rule)).fqn,
      );
    }
    if (servers) {
      for (const rule of newRules(servers.scope, planServerIngress(vip))) {
        const created = new VpcSecurityGroupIngressRule(servers.scope, rule.id, {
          ...ruleConfig(servers.groupId, rule),
          referencedSecurityGroupId: lbGroup,
        });
        pathsToServers.push(created.fqn);
      }
    }
    const { association } = this.configDelivery;
    association.dependsOn = [...(association.dependsOn ?? []), ...pathsToServers];
  }

  /** One set of partition, region and account data sources for every scoped policy. */
  private get arns(): Arns {
    this.arnBuilder ??= new Arns(this, "Arns");
    return this.arnBuilder;
  }

  /** Encoded once per synth and node: both lazy user-data fields read it, and VIPs are only ever added. */
  private encodedUserData(
    field: "userData" | "userDataBase64",
    node: PairNode | undefined,
  ): string | undefined {
    const key = node?.address ?? "";
    let cached = this.encoded.get(key);
    if (cached?.vipCount !== this.vipList.length) {
      cached = {
        vipCount: this.vipList.length,
        value: encodeUserData(this.renderUserData(node?.address)),
      };
      this.encoded.set(key, cached);
    }
    return (cached.value as Partial<Record<typeof field, string>>)[field];
  }

  /** The pair node at `nodeAddress`; none for one instance, which takes no address. */
  private pairNode(nodeAddress: string | undefined): PairNode | undefined {
    if (nodeAddress === undefined) {
      if (this.pair) fail(this, "a pair has one user-data per node", "give the node's address");
      return undefined;
    }
    return this.pairNodeOf(nodeAddress).node;
  }

  private pairNodeOf(nodeAddress: string): { pair: PairSettings; node: PairNode } {
    const node = this.pair?.nodes.find((n) => n.address === nodeAddress);
    if (!this.pair || !node) {
      fail(
        this,
        `${nodeAddress} is not a node of this pair`,
        `give one of ${this.nodeAddresses.join(", ") || "no nodes: this load balancer is one instance"}`,
      );
    }
    return { pair: this.pair, node };
  }

  private pairHaproxyOptions(): PairHaproxyOptions | undefined {
    if (!this.pair) return undefined;
    return {
      peers: this.pair.nodes.map((node) => ({ name: node.peerName, address: node.address })),
      wildcardBinds: this.pair.placement.bindsWildcard,
    };
  }
}

/**
 * Attributes Terraform must not act on. User-data is read at first boot only:
 * config arrives out of band. A newer default AMI must not replace a running
 * load balancer. A pair's nodes follow only their own `amiId` and
 * `instanceType`, which one node at a time may have: a pair-level change would
 * stop or replace both nodes in one deploy.
 */
function ignoredChanges(props: ExchangeLoadBalancerProps, node: PairNode | undefined): string[] {
  const ignored = ["user_data", "user_data_base64"];
  if (node ? !node.amiId : !props.amiId) ignored.push("ami");
  if (node && !node.instanceType) ignored.push("instance_type");
  return ignored;
}

function idPart(address: string): string {
  return address.replace(/\./g, "_");
}

/** The planned rules not created yet; ids come from values, so a repeat is the same rule. */
function newRules(scope: Construct, rules: PlannedRule[]): PlannedRule[] {
  return rules.filter((rule) => !scope.node.tryFindChild(rule.id));
}

function ruleConfig(securityGroupId: string, rule: PlannedRule) {
  return {
    securityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    cidrIpv4: rule.cidr,
    description: rule.description,
  };
}
