/**
 * Which web services a terminating HTTPS VIP publishes: those listed, each once
 * and each existing in the version, or by default every one but PowerShell.
 */
import { fail } from "../core/errors";
import { ExchangeWebService } from "../exchange/web-services";
import { CasHttpsVipProps } from "./cas-https-props";
import { VipDefaults } from "./vip-host";

/**
 * Remote PowerShell from outside is an attack path (ProxyShell, CVE-2021-34473
 * and CVE-2022-41040/41082 reached Exchange through /PowerShell); administrators
 * manage Exchange from inside, so it is published only when listed.
 */
const NOT_PUBLISHED_BY_DEFAULT: readonly ExchangeWebService[] = ["PowerShell"];

/** The services to publish: the version's, or those given, each once. */
export function publishedServices(
  path: string,
  defaults: VipDefaults,
  props: CasHttpsVipProps,
): readonly ExchangeWebService[] {
  const available = defaults.profile.web.services;
  const services =
    props.services ?? available.filter((service) => !NOT_PUBLISHED_BY_DEFAULT.includes(service));
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
