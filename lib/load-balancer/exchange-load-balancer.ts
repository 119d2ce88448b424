/**
 * The load balancer construct: checks its props, wires the small pieces that make it (security
 * group and rules, instance role and policies, nodes, pair resources, config delivery,
 * monitoring, outputs), holds the VIPs' descriptions, adds the resources each one needs as it
 * arrives, and renders the text (haproxy.cfg, user-data, the config document) at synth.
 */
import { fail } from "../core/errors";
import { vipAddresses } from "../config/bundle";
import { userDataOf } from "../config/user-data";
import { ExchangeProfile } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { Construct, Instance, SecurityGroup } from "../framework";
import { keepalivedConfigFor } from "../pair/keepalived-config";
import { PairNode } from "../pair/pair-node";
import { PairSettings } from "../pair/pair-settings";
import { reviewSummary } from "../review/summary";
import { VipDescription } from "../vips/description";
import { DescribedVip, VipDefaults, VipHost } from "../vips/vip-host";
import { Arns } from "./arns";
import { CertificatePolicy } from "./certificate-policy";
import { ConfigDelivery } from "./config-delivery";
import { InstanceRole } from "./instance-role";
import type { Fleet } from "./fleet";
import { BootingNodes } from "./instances";
import { createNodes, deliveryTargets } from "./nodes";
import { Monitoring } from "./monitoring";
import { addOperationsDocuments } from "./operations-documents";
import { addOutputs } from "./outputs";
import { pairNodeAt } from "./pair-props";
import { PairResources } from "./pair-resources";
import { addPrivateSubnetAccess } from "./private-subnets";
import { Rendering } from "./rendering";
import { reviewOf } from "./review";
import { ExchangeLoadBalancerProps } from "./props";
import { LoadBalancerSettings, resolveProps } from "./resolve-props";
import { SecurityRules } from "./security-rules";
import { addSynthChecks } from "./synth-checks";
import { checkVipFits } from "./vip-conflicts";

/**
 * One EC2 instance, a clustered pair, or a fleet behind a Network Load Balancer, running
 * HAProxy in front of the Exchange servers. Add VIPs (`CasHttpsVip`, `RpcStaticPortVip`, `ImapVip`,
 * `PopVip`, `SmtpVip`) as children; haproxy.cfg, user-data and security-group
 * rules follow from them.
 */
export class ExchangeLoadBalancer extends Construct implements VipHost {
  public readonly securityGroup: SecurityGroup;
  /** One instance, or the pair's two, preferred master first; none for a fleet. */
  public readonly instances: readonly Instance[];
  /** A fleet's Network Load Balancer and Auto Scaling group. */
  public readonly fleet?: Fleet;
  private readonly settings: LoadBalancerSettings;
  private readonly vipList: VipDescription[] = [];
  private readonly vipListeners: ((vip: VipDescription) => void)[] = [];
  private readonly role: InstanceRole;
  private readonly rules: SecurityRules;
  private readonly delivery: ConfigDelivery;
  private readonly pairResources?: PairResources;
  private arnBuilder?: Arns;
  private certificatePolicy?: CertificatePolicy;
  private readonly monitoring: Monitoring;
  private readonly rendering: Rendering;

  constructor(scope: Construct, id: string, props: ExchangeLoadBalancerProps) {
    super(scope, id);
    const settings = resolveProps(this, props);
    this.settings = settings;
    this.rendering = new Rendering(settings, this.vipList);
    this.rules = new SecurityRules(this, props, settings);
    this.securityGroup = this.rules.group;
    this.role = new InstanceRole(this, "InstanceRole");
    const nodes = createNodes(this, {
      ...{ props, settings, securityGroupId: this.securityGroup.id },
      instanceProfileName: this.role.instanceProfile.name,
      bootNeeds: [this.role.agentPolicy, ...this.rules.serviceEgress],
      userData: (node) => userDataOf(this.rendering.model(), this.rendering.bundle(), node),
      version: () => this.vipList.length,
      vipAddresses: () => this.vipAddresses,
      maxconn: () => this.maxconn,
      role: this.role.role,
      arns: () => this.arns,
    });
    this.instances = nodes.instances;
    this.fleet = nodes.fleet;
    addPrivateSubnetAccess(this, props);
    if (settings.pair) {
      this.pairResources = new PairResources(this, {
        ...{ pair: settings.pair, role: this.role.role, arns: this.arns },
        ...{ instances: this.instances, securityGroupId: this.securityGroup.id },
      });
    }
    this.delivery = new ConfigDelivery(this, "ConfigDelivery", {
      bundle: () => this.rendering.bundle(),
      targets: deliveryTargets(this, nodes),
      ...{ waitSeconds: settings.rolloutWaitSeconds, role: this.role },
      summary: () => reviewSummary(this.rendering.model()),
    });
    addOperationsDocuments(this);
    const { role, arns, instances } = this;
    const model = () => this.rendering.model();
    this.monitoring = new Monitoring(this, "Monitoring", { role, arns, instances, model });
    const securityGroupId = this.securityGroup.id;
    const vipAddresses = () => this.vipAddresses;
    addOutputs(this, settings, { vipAddresses, instances, securityGroupId });
    addSynthChecks(this, settings, () => this.rendering.model());
  }

  /** The instance, or the preferred master of a pair; a fleet has none. */
  public get instance(): Instance {
    if (this.fleet) {
      fail(this, "a fleet has no instance of its own", "use fleet.autoScalingGroup");
    }
    return this.instances[0];
  }

  /** What boots nodes, which what their boot needs must precede. */
  public get bootingNodes(): readonly BootingNodes[] {
    return this.fleet ? [this.fleet.autoScalingGroup] : this.instances;
  }

  public get profile(): ExchangeProfile {
    return this.settings.profile;
  }

  public get vipAddress(): string {
    return this.settings.vipAddress;
  }

  public get clientCidrs(): readonly string[] {
    return this.settings.clientCidrs;
  }

  public get servers(): readonly RealServer[] {
    return this.settings.servers;
  }

  public get namespace(): string {
    return this.settings.namespace;
  }

  /** The `maxconn` prop, or the one the smallest instance holds with the VIPs added so far. */
  public get maxconn(): number {
    return this.rendering.model().maxconn;
  }

  /** What every VIP added to this load balancer inherits. */
  public get vipDefaults(): VipDefaults {
    const { profile, vipAddress, servers, clientCidrs, namespace } = this.settings;
    return { profile, vipAddress, servers, clientCidrs, namespace };
  }

  /**
   * Takes a VIP (each VIP calls this once, at the end of its constructor):
   * refuses one that is not this load balancer's child or that conflicts,
   * then adds its security rules, routes and certificate access, and tells
   * whoever follows the VIPs.
   */
  public addVip(added: DescribedVip): void {
    const vip = added.description;
    if (added.node.scope !== this || this.vipList.includes(vip)) {
      fail(
        this,
        `${added.node.path} is not a new VIP of this load balancer`,
        "create each VIP once, with this load balancer as its scope",
      );
    }
    checkVipFits(vip, this.vipList, this.settings);
    this.vipList.push(vip);
    if (vip.terminatedTls) {
      this.certificatePolicy ??= new CertificatePolicy(this, "CertificatePolicy", {
        ...{ role: this.role.role, arns: this.arns, bootingNodes: this.bootingNodes },
        certificates: () => this.vipList.flatMap((v) => v.terminatedTls?.certificate ?? []),
      });
    }
    // The paths to the real servers open, and the VIP's routes exist (the rollout's claim
    // repoints them), before a config that uses them is rolled out.
    this.delivery.runAfter([
      ...this.rules.allow(vip),
      ...(this.pairResources?.routeVip(vip.address) ?? []),
    ]);
    this.fleet?.addVip(vip);
    this.monitoring.vipsChanged();
    for (const listener of this.vipListeners) listener(vip);
  }

  /** Calls `callback` for each VIP added so far and for each added later, in order. */
  public forEachVip(callback: (vip: VipDescription) => void): void {
    this.vipList.forEach(callback);
    this.vipListeners.push(callback);
  }

  /** The VIPs' descriptions, in the order they were added. */
  public get vips(): readonly VipDescription[] {
    return [...this.vipList];
  }

  /** Distinct VIP addresses, in the order they first appear. */
  public get vipAddresses(): string[] {
    return vipAddresses(this.rendering.model());
  }

  /** The pair's node addresses, preferred master first; empty for one instance. */
  public get nodeAddresses(): string[] {
    return this.settings.pair?.nodes.map((node) => node.address) ?? [];
  }

  /** Every node's extra source addresses, in the order given. */
  public get sourceAddresses(): string[] {
    return this.settings.sourceAddresses.nodes.flatMap((node) => node.addresses);
  }

  /** The exact haproxy.cfg the instance runs; the same on both nodes of a pair. */
  public renderHaproxyConfig(): string {
    return this.rendering.bundle().haproxyConfig;
  }

  /**
   * The exact user-data (cloud-config) an instance boots with, before encoding.
   * @param nodeAddress the node of a pair; omit for one instance
   */
  public renderUserData(nodeAddress?: string): string {
    if (nodeAddress === undefined && this.settings.pair) {
      fail(this, "a pair has one user-data per node", "give the node's address");
    }
    const node = nodeAddress === undefined ? undefined : this.pairNode(nodeAddress);
    return userDataOf(this.rendering.model(), this.rendering.bundle(), node);
  }

  /** keepalived.conf of one node of the pair. */
  public renderKeepalivedConfig(nodeAddress: string): string {
    const node = this.pairNode(nodeAddress);
    return keepalivedConfigFor(this.settings.pair as PairSettings, node);
  }

  /** Everything this load balancer deploys as one text, for a snapshot (README, Review). */
  public renderReview(): string {
    return reviewOf(this);
  }

  private pairNode(nodeAddress: string): PairNode {
    return pairNodeAt(this, this.settings.pair, nodeAddress);
  }

  /** One set of region and account data sources for every scoped policy. */
  private get arns(): Arns {
    this.arnBuilder ??= new Arns(this, "Arns", this.role.partition, this.role.dnsSuffix);
    return this.arnBuilder;
  }
}
