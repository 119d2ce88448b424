/**
 * A load balancer as the renderers see it: the checked props and the VIPs'
 * descriptions, in the order they were added. Plain data; each render reads a
 * snapshot of it.
 */
import { ExchangeProfile } from "../exchange/profiles";
import type { AdminAccess } from "./admin-section";
import { OperatingSystemRelease } from "../instance/operating-system";
import { PackageSource } from "../instance/package-source";
import { SourceAddresses } from "../instance/source-addresses";
import { FleetSettings } from "../fleet/fleet-settings";
import { MonitoringSettings } from "../monitoring/settings";
import { PairSettings } from "../pair/pair-settings";
import { VipDescription } from "../vips/description";

export interface LoadBalancerModel {
  readonly profile: ExchangeProfile;
  readonly maxconn: number;
  /** The admin port (exporter, stats page) and who may reach it. */
  readonly admin: AdminAccess;
  readonly installSsmAgent: boolean;
  /** CloudWatch metrics, alarms and dashboard. */
  readonly monitoring: MonitoringSettings;
  /** The instances' Debian release: named in the user-data, nothing else differs. */
  readonly operatingSystem: OperatingSystemRelease;
  /** Where packages and the SSM agent come from; absent: the internet. */
  readonly packageSource?: PackageSource;
  /** Each node's extra source addresses towards the real servers. */
  readonly sourceAddresses: SourceAddresses;
  /** A clustered pair; absent for one instance. */
  readonly pair?: PairSettings;
  /** A fleet behind a Network Load Balancer; absent for one instance and a pair. */
  readonly fleet?: FleetSettings;
  readonly vips: readonly VipDescription[];
}
