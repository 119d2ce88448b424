import { Duration } from "../core/duration";
import { RealServer } from "../exchange/real-server";
import { ExchangeVersion } from "../exchange/version";
import { OperatingSystem } from "../instance/operating-system";
import { FleetProps } from "../fleet/fleet-settings";
import { HighAvailabilityProps } from "../pair/pair-settings";
import type { MonitoringProps } from "./monitoring-props";
import type { VpcEndpointsProps } from "./vpc-endpoints-props";

export interface ExchangeLoadBalancerProps {
  /** The Exchange release; selects the guide defaults (see the README defaults table). */
  readonly exchangeVersion: ExchangeVersion;
  /** VPC of the load balancer's security group. */
  readonly vpcId: string;
  /**
   * Subnet of the instance; the VIP addresses must lie in it. A clustered pair
   * takes its subnets from `highAvailability.nodes` instead, a fleet from `fleet.subnets`.
   * @default required unless `highAvailability` or `fleet` is given
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
   * The Debian release the instances run: Debian 13 (HAProxy 3.0) or Debian 12
   * (HAProxy 2.6). Both get the same haproxy.cfg, keepalived.conf and user-data
   * (its header names the release). Picks the default AMI; with `amiId`, say
   * which release that AMI is.
   * A running instance keeps its AMI (`ami` is ignored by Terraform): a
   * changed default applies to instances created later.
   * @default OperatingSystem.DEBIAN_13
   */
  readonly operatingSystem?: OperatingSystem;
  /**
   * AMI of the instance: a Debian AMI of `operatingSystem`'s release (the
   * tests validate every output with that release's HAProxy, keepalived and cloud-init).
   * A pair's nodes take it when created; roll a running pair node by node (`nodes[].amiId`).
   * @default the latest official amd64 AMI of `operatingSystem` (owner 136693071363)
   */
  readonly amiId?: string;
  /**
   * Extra private addresses of each node (in its subnet), besides its primary one, that
   * HAProxy's connections to the real servers leave from: one address reaches about 64,000
   * connections to one real server (the source ports run out), so each one adds as many
   * [HAProxy 2.6 manual, 5.2 source; Kemp 002 §2.2, connection scaling past 64k].
   * - A list, on one instance: EC2 assigns them as secondary addresses and the receive
   *   connector script allows each. A pair gives each node's in
   *   `highAvailability.nodes[].sourceAddresses`.
   * - A count, on a fleet: EC2 assigns that many to each node's interface at launch (the
   *   launch template's `ipv4_address_count`); the receive connector allows the fleet's subnets.
   * A change applies at HAProxy's next restart (a fleet's: at the nodes' instance refresh);
   * until then new lines leave from the primary address.
   * @default none: the primary address alone
   */
  readonly sourceAddresses?: string[] | number;
  /**
   * HAProxy's global connection limit; each proxied connection holds two file descriptors.
   * @default 20000
   */
  readonly maxconn?: number;
  /**
   * CIDR blocks that reach each node's admin port: HAProxy's Prometheus exporter (`/metrics`)
   * and its read-only stats page (`/stats`), on the node's own primary address. Nothing on the
   * port changes a server.
   * @default none: the port listens, the security group lets nobody in
   */
  readonly adminCidrs?: string[];
  /**
   * The admin port.
   * @default 8404 (HAProxy's documented stats and exporter port)
   */
  readonly adminPort?: number;
  /**
   * CloudWatch: metrics from each node, alarms, a dashboard, EC2 instance recovery.
   * @default all on, in the namespace "ExchangeLoadBalancer", every minute
   */
  readonly monitoring?: MonitoringProps;
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
   * A fleet: HAProxy nodes in an Auto Scaling group across `fleet.subnets`, behind an AWS
   * Network Load Balancer whose addresses are the VIPs (the first subnet's is `vipAddress`).
   * Capacity grows with the nodes; a node lost costs the NLB's health check (about 10 s) to
   * its new connections. See the README's "Choosing a topology".
   * @default one instance
   */
  readonly fleet?: FleetProps;
  /**
   * Make `cdktf deploy` wait until every instance has applied a changed config
   * (delivered out of band by SSM, one instance at a time), so that a config
   * refused by `haproxy -c` fails the deploy. Needs the SSM agent: true with
   * `installSsmAgent: false` is refused.
   * @default the value of `installSsmAgent`
   */
  readonly waitForConfigRollout?: boolean;
  /**
   * Your account's quota of inbound (and of outbound) rules per security group,
   * if raised; a VIP whose rules would exceed it is refused at synth.
   * @default 60, AWS's default quota
   */
  readonly securityGroupRuleQuota?: number;
  /**
   * How long `cdktf deploy` waits for the config rollout.
   * @default Duration.minutes(10)
   */
  readonly configRolloutTimeout?: Duration;
  /**
   * Private subnets without internet: creates the interface VPC endpoints the
   * instance calls (ssm, ssmmessages, ec2messages; ec2 for a pair;
   * secretsmanager for certificates there) with their security group, and an
   * S3 gateway endpoint for the SSM agent's package. See the README's
   * "Private subnets".
   * @default none: AWS is reached through the subnet's route or endpoints you share
   */
  readonly vpcEndpoints?: VpcEndpointsProps;
  /**
   * An HTTP proxy for apt (`http://host:port`), written by cloud-init's apt
   * module; the SSM agent's download uses it too unless
   * `vpcEndpoints.s3RouteTableIds` reaches S3 directly.
   * @default packages straight from Debian's mirrors
   */
  readonly aptProxy?: string;
  /**
   * The AMI (`amiId`) has every package the boot installs (and the SSM
   * agent): the boot runs no apt-get.
   * @default false
   */
  readonly packagesInAmi?: boolean;
}
