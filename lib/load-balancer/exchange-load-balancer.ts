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
  SecurityGroup,
  TerraformOutput,
  Token,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { renderHaproxyConfig } from "../haproxy/render";
import { isIpv4, parseCidr } from "../net/ipv4";
import type { ExchangeVip } from "../vips/vip";
import { validateServers } from "../vips/vip";
import { buildHaproxyConfig } from "./haproxy-config";
import { InstanceRole } from "./instance-role";
import { PlannedRule, planEgress, planIngress, planServerIngress } from "./security-rules";

export interface ExchangeLoadBalancerProps {
  /** The Exchange release; selects the guide defaults (see the README defaults table). */
  readonly exchangeVersion: ExchangeVersion;
  /** VPC of the load balancer's security group. */
  readonly vpcId: string;
  /** Subnet of the instance; the VIP addresses must lie in it. */
  readonly subnetId: string;
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
   * and 2 GB (001 §9), and TCP-mode HAProxy needs little more.
   * @default "t3.small"
   */
  readonly instanceType?: string;
  /**
   * AMI of the instance; must be Debian 12 (bookworm), whose HAProxy 2.6 the tests validate against.
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
  public readonly instance: Instance;
  private readonly vipList: ExchangeVip[] = [];
  private encoded?: { vipCount: number; value: EncodedUserData };
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

    const role = new InstanceRole(this, "InstanceRole");
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

    this.instance = new Instance(this, "Instance", {
      ami,
      instanceType: props.instanceType ?? "t3.small",
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: role.instanceProfile.name,
      secondaryPrivateIps: Lazy.listValue({ produce: () => this.vipAddresses }),
      metadataOptions: {
        httpTokens: "required",
        httpEndpoint: "enabled",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: rootSize },
      userData: Lazy.stringValue({ produce: () => this.encodedUserData("userData") }),
      userDataBase64: Lazy.stringValue({ produce: () => this.encodedUserData("userDataBase64") }),
      tags: { Name: this.node.path },
      // A newer Debian AMI must not replace a running load balancer on the next deploy.
      lifecycle: props.amiId ? undefined : { ignoreChanges: ["ami"] },
    });

    new TerraformOutput(this, "VipAddresses", {
      description: "Addresses the VIPs listen on",
      value: Lazy.listValue({ produce: () => this.vipAddresses }),
    });
    new TerraformOutput(this, "InstanceId", { value: this.instance.id });
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

  /** The exact haproxy.cfg the instance runs. */
  public renderHaproxyConfig(): string {
    return renderHaproxyConfig(buildHaproxyConfig(this.profile, this.vipList, this.maxconn));
  }

  /** The exact user-data (cloud-config) the instance boots with, before encoding. */
  public renderUserData(): string {
    return renderCloudConfig({
      haproxyConfig: this.renderHaproxyConfig(),
      vipAddresses: this.vipAddresses,
      maxconn: this.maxconn,
      installSsmAgent: this.installSsmAgent,
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
    this.vipList.push(vip);
    const lbGroup = this.securityGroup.id;
    const { ingress, egress, servers } = this.ruleScopes;
    for (const rule of newRules(ingress, planIngress(vip))) {
      new VpcSecurityGroupIngressRule(ingress, rule.id, ruleConfig(lbGroup, rule));
    }
    for (const rule of newRules(egress, planEgress(vip))) {
      new VpcSecurityGroupEgressRule(egress, rule.id, ruleConfig(lbGroup, rule));
    }
    if (servers) {
      for (const rule of newRules(servers.scope, planServerIngress(vip))) {
        new VpcSecurityGroupIngressRule(servers.scope, rule.id, {
          ...ruleConfig(servers.groupId, rule),
          referencedSecurityGroupId: lbGroup,
        });
      }
    }
  }

  /** Encoded once per synth: both lazy user-data fields read it, and VIPs are only ever added. */
  private encodedUserData(field: "userData" | "userDataBase64"): string | undefined {
    if (this.encoded?.vipCount !== this.vipList.length) {
      this.encoded = {
        vipCount: this.vipList.length,
        value: encodeUserData(this.renderUserData()),
      };
    }
    return (this.encoded.value as Partial<Record<typeof field, string>>)[field];
  }
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

function requireConcrete(scope: Construct, name: string, value: string): string {
  if (Token.isUnresolved(value)) {
    fail(
      scope,
      `${name} is a token, but it is written into haproxy.cfg at synth time`,
      `give ${name} as a literal value`,
    );
  }
  return value;
}

function checkId(scope: Construct, name: string, value: string | undefined, prefix: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!value.startsWith(prefix))
    fail(scope, `${name} "${value}" does not start with ${prefix}`, `give the ${prefix}... id`);
}
