/**
 * The public API: constructs, their props, value objects and enums. Renderers
 * stay reachable through the constructs (`lb.renderHaproxyConfig()`,
 * `lb.renderUserData()`, `lb.renderKeepalivedConfig()`,
 * `scripts.renderScripts()`); everything else is internal.
 */
export { Duration } from "./core/duration";
export { BalanceMode } from "./exchange/balance-mode";
export type { HealthCheckOptions } from "./exchange/health-check";
export { Persistence } from "./exchange/persistence";
export type { ExchangeProfile, HttpHandling } from "./exchange/profiles";
export type { RealServer } from "./exchange/real-server";
export { RealServerState } from "./exchange/real-server";
export { ExchangeVersion } from "./exchange/version";
export { OperatingSystem } from "./instance/operating-system";
export type { ExchangeWebService } from "./exchange/web-services";
export { ExchangeLoadBalancer } from "./load-balancer/exchange-load-balancer";
export type { ExchangeLoadBalancerProps } from "./load-balancer/props";
export type { VpcEndpointsProps } from "./load-balancer/vpc-endpoints-props";
export type { MonitoringProps } from "./load-balancer/monitoring-props";
export type { HighAvailabilityProps } from "./pair/pair-settings";
export type {
  FleetProps,
  FleetScalingMetric,
  FleetScalingProps,
  FleetScheme,
  FleetSubnetProps,
} from "./fleet/fleet-settings";
export type { Fleet } from "./load-balancer/fleet";
export type { PairNodeProps } from "./pair/pair-node";
export { VipPlacement } from "./pair/vip-placement";
export type { ElasticIpPlacementProps, RouteTablePlacementProps } from "./pair/vip-placement";
export { ExchangeServerScripts } from "./server-scripts/exchange-server-scripts";
export type { ExchangeServerScriptsProps } from "./server-scripts/scripts-props";
export { TlsCertificate } from "./tls/tls-certificate";
export { CasHttpsVip } from "./vips/cas-https-vip";
export type { CasHttpsVipProps, CasTlsMode } from "./vips/cas-https-props";
export { ImapVip } from "./vips/imap-vip";
export type { ImapVipProps } from "./vips/imap-vip";
export type { VipOptions, VipTimeouts } from "./vips/options";
export { PopVip } from "./vips/pop-vip";
export type { PopVipProps } from "./vips/pop-vip";
export { RpcStaticPortVip } from "./vips/rpc-static-port-vip";
export type { RpcStaticPortVipProps } from "./vips/rpc-static-port-vip";
export { SmtpVip } from "./vips/smtp-vip";
export type { SmtpVipProps } from "./vips/smtp-vip";
export { ExchangeVip } from "./vips/vip";
export type { VipDefaults, VipHost } from "./vips/vip-host";

// The review document (README, "Review every change in a pull request").
export { reviewDocument, reviewDocuments } from "./review/document";
export { diffReviews } from "./review/diff";
export type { TerraformJson } from "./review/terraform-json";
