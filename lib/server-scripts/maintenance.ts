/**
 * Maintenance on and off for one Exchange 2013+ server: with the server-wide
 * component inactive every healthcheck.htm answers non-200, so the load
 * balancer takes the server out of every VIP; mail in the queues is drained
 * first [004 §12 Set-ServerComponentState; 002 §5.1 health checks]. Pure.
 */
import { ExchangeProfile } from "../exchange/profiles";
import { loadExchangeShell } from "./exchange-shell";
import { scriptHeader } from "./powershell";

export function renderMaintenanceScript(profile: ExchangeProfile, modeExpression: string): string {
  const { version } = profile;
  return [
    ...scriptHeader(
      `Exchange ${version}: maintenance on (drain from the load balancer) or off`,
      "004 §12 Set-ServerComponentState",
      "the Exchange server to drain or return",
    ),
    ...loadExchangeShell(profile.management),
    `$mode = ${modeExpression}`,
    "if ($mode -eq 'On') {",
    "  Set-ServerComponentState -Identity $server -Component HubTransport -State Draining -Requester Maintenance",
    "  Set-ServerComponentState -Identity $server -Component ServerWideOffline -State Inactive -Requester Maintenance",
    '  Write-Host "maintenance on: $server answers 503 on healthcheck.htm; the load balancer takes it out"',
    "} elseif ($mode -eq 'Off') {",
    "  Set-ServerComponentState -Identity $server -Component ServerWideOffline -State Active -Requester Maintenance",
    "  Set-ServerComponentState -Identity $server -Component HubTransport -State Active -Requester Maintenance",
    '  Write-Host "maintenance off: $server back in the load balancer once its checks pass"',
    '} else { throw "Mode must be On or Off, not $mode" }',
    "Get-ServerComponentState -Identity $server | Format-Table Component, State -AutoSize",
    "",
  ].join("\n");
}
