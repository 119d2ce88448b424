/**
 * Which web services a terminating HTTPS VIP publishes: those listed, each once
 * and each existing in the version, or by default every one the profile does
 * not hold back (PowerShell).
 */
import { fail } from "../core/errors";
import { ExchangeWebService } from "../exchange/web-services";
import { CasHttpsVipProps } from "./cas-https-props";
import { VipDefaults } from "./vip-host";

/** The services to publish: the version's, or those given, each once. */
export function publishedServices(
  path: string,
  defaults: VipDefaults,
  props: CasHttpsVipProps,
): readonly ExchangeWebService[] {
  const { services: available, unpublishedByDefault } = defaults.profile.web;
  const services =
    props.services ?? available.filter((service) => !unpublishedByDefault.value.includes(service));
  if (services.length === 0) {
    fail(
      path,
      "services is empty, so nothing would be published",
      "list at least one, e.g. ['OWA']",
    );
  }
  const seen = new Set<string>();
  for (const service of services) {
    if (!available.includes(service)) {
      fail(
        path,
        `service "${service}" does not exist in Exchange ${defaults.profile.version}`,
        `choose from ${available.join(", ")}`,
      );
    }
    if (seen.has(service))
      fail(path, `service ${service} is listed twice`, "list each service once");
    seen.add(service);
  }
  return services;
}
