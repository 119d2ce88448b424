/**
 * Synth-time warnings about the platform a load balancer serves: an Exchange
 * version past Microsoft's end of support. A warning, not a refusal: such
 * organisations still need their load balancer while they migrate.
 */
import { endOfSupport } from "../exchange/support-lifecycle";
import { ExchangeVersion } from "../exchange/version";
import { Annotations, Construct } from "../framework";

export function warnPastEndOfSupport(scope: Construct, version: ExchangeVersion): void {
  const end = endOfSupport(version);
  if (!end) return;
  Annotations.of(scope).addWarning(
    `Exchange ${version} left Microsoft's support on ${end.date}: no more security updates. ` +
      `Upgrade path: ${end.upgradePath}, then set exchangeVersion: ExchangeVersion.EXCHANGE_SE. ` +
      `Source: ${end.source}`,
  );
}
