/** ExchangeServerScripts' props, checked at synth: host names, the AD site, the connector's name. */
import { fail } from "../core/errors";
import { Construct } from "../framework";
import { isIpv4 } from "../net/ipv4";

export interface ExchangeServerScriptsProps {
  /**
   * Host name of Autodiscover [004 §8 step 4].
   * @default "autodiscover." followed by the namespace's parent domain
   */
  readonly autodiscoverNamespace?: string;
  /**
   * FQDN of the Exchange 2010 CAS array [001 §10 step 1].
   * @default the load balancer's namespace
   */
  readonly casArrayFqdn?: string;
  /**
   * AD site of the Exchange 2010 CAS array.
   * @default asked when the document runs (its `Site` parameter)
   */
  readonly adSite?: string;
  /**
   * Name of the receive connector that accepts SMTP relayed by the load balancer.
   * @default "From Exchange load balancer"
   */
  readonly receiveConnectorName?: string;
}

export const SITE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$";
const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface ResolvedScriptsProps {
  readonly autodiscoverNamespace: string;
  readonly casArrayFqdn: string;
  readonly receiveConnectorName: string;
}

export function resolveScriptsProps(
  scope: Construct,
  namespace: string,
  props: ExchangeServerScriptsProps,
): ResolvedScriptsProps {
  if (isIpv4(namespace) || !HOST.test(namespace)) {
    fail(
      scope,
      `the load balancer's namespace "${namespace}" is not a DNS name, but the scripts write it into URLs`,
      "give the load balancer a namespace such as mail.example.com",
    );
  }
  const autodiscover = props.autodiscoverNamespace ?? `autodiscover.${parentDomain(namespace)}`;
  const casArrayFqdn = props.casArrayFqdn ?? namespace;
  for (const [name, host] of [
    ["autodiscoverNamespace", autodiscover],
    ["casArrayFqdn", casArrayFqdn],
  ] as const) {
    if (!HOST.test(host)) fail(scope, `${name} "${host}" is not a DNS name`, "give an FQDN");
  }
  if (props.adSite !== undefined && !new RegExp(SITE_PATTERN).test(props.adSite)) {
    fail(
      scope,
      `adSite "${props.adSite}" is not an AD site name`,
      "give e.g. Default-First-Site-Name",
    );
  }
  const connectorName = props.receiveConnectorName ?? "From Exchange load balancer";
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$/.test(connectorName)) {
    fail(
      scope,
      `receiveConnectorName "${connectorName}" has characters Exchange refuses`,
      "use letters, digits, spaces, . _ - ( )",
    );
  }
  return { autodiscoverNamespace: autodiscover, casArrayFqdn, receiveConnectorName: connectorName };
}

function parentDomain(host: string): string {
  const labels = host.split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : host;
}
