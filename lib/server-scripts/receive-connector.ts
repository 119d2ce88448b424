/**
 * A receive connector for mail relayed by the load balancer: in SNAT mode the
 * Exchange servers see the load balancer's addresses, not the smart hosts', so
 * the connector accepts exactly those addresses on the SMTP port and the
 * lock-down of who may send happens at the load balancer [004 §7 SNAT mode
 * note; 001 appendix 2; 004 §8 step 6: a unique binding and remote-range
 * combination; 001 §10 step 3: anonymous senders]. Pure.
 *
 * Every relay reaches Exchange from the load balancer's address, so the
 * connector's per-source limits (20 connections, 2 % of MaxInboundConnection
 * by default) would cap all relays together at 20 sessions per server and
 * answer the rest 421 4.3.2: the script lifts them, and the connector's total
 * (MaxInboundConnection) stays the limit.
 */
import { ExchangeProfile } from "../exchange/profiles";
import { loadExchangeShell } from "./exchange-shell";
import { psArray, psString, scriptHeader } from "./powershell";

export interface LoadBalancerConnector {
  readonly profile: ExchangeProfile;
  readonly name: string;
  readonly port: number;
  /** The load balancer's own addresses: the sources Exchange sees (tokens allowed). */
  readonly remoteAddresses: readonly string[];
}

/** [Microsoft: Set-ReceiveConnector, MaxInboundConnectionPerSource (default 20) and MaxInboundConnectionPercentagePerSource (default 2)] */
const SNAT_LIMITS = [
  "# Every sender arrives from the load balancer's address (SNAT): no per-source cap",
  "# [Microsoft Learn: Set-ReceiveConnector, MaxInboundConnectionPerSource default 20,",
  "# MaxInboundConnectionPercentagePerSource default 2]; MaxInboundConnection stays the limit.",
  "$limits = @{ MaxInboundConnectionPerSource = 'Unlimited'; MaxInboundConnectionPercentagePerSource = 100 }",
];

export function renderReceiveConnectorScript(connector: LoadBalancerConnector): string {
  const { version, management } = connector.profile;
  const role = management.receiveConnectorRole;
  return [
    ...scriptHeader(
      `Exchange ${version}: a receive connector for SMTP relayed by the load balancer`,
      "004 §7 SNAT mode; 004 §8 step 6; 001 §10 step 3",
      management.smtpServers,
    ),
    ...loadExchangeShell(management),
    `$name = ${psString(connector.name)}`,
    `$binding = ${psString(`0.0.0.0:${connector.port}`)}`,
    `$remote = ${psArray(connector.remoteAddresses)}`,
    ...SNAT_LIMITS,
    '$existing = Get-ReceiveConnector -Identity "$server\\$name" -ErrorAction SilentlyContinue',
    "if (-not $existing) {",
    `  New-ReceiveConnector -Name $name -Server $server${role ? ` -TransportRole ${role}` : ""} -Usage Custom -Bindings $binding -RemoteIPRanges $remote -PermissionGroups AnonymousUsers @limits | Out-Null`,
    "  Write-Host \"created: $server\\$name on $binding from $($remote -join ', ')\"",
    "} else {",
    '  $current = @($existing.RemoteIPRanges | ForEach-Object { "$_" }) | Sort-Object',
    "  if ((@($remote | Sort-Object) -join ',') -eq ($current -join ',')) {",
    "    Write-Host \"unchanged: $server\\$name from $($remote -join ', ')\"",
    "  } else {",
    "    Set-ReceiveConnector -Identity $existing.Identity -RemoteIPRanges $remote",
    "    Write-Host \"set: $server\\$name from $($remote -join ', ')\"",
    "  }",
    '  $stale = @($limits.Keys | Where-Object { "$($existing.$_)" -ne "$($limits[$_])" })',
    "  if ($stale.Count -eq 0) {",
    '    Write-Host "unchanged: $server\\$name per-source limits"',
    "  } else {",
    "    Set-ReceiveConnector -Identity $existing.Identity @limits",
    "    Write-Host \"set: $server\\$name $($stale -join ', ')\"",
    "  }",
    "}",
    "",
  ].join("\n");
}
