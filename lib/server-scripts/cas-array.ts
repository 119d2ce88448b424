/**
 * Exchange 2010's CAS array on the load balancer's namespace, and every
 * mailbox database of its AD site pointed at it [001 §10 step 1]. Pure.
 */
import { ExchangeManagement } from "../exchange/management";
import { loadExchangeShell } from "./exchange-shell";
import { psString, scriptHeader } from "./powershell";

export interface CasArray {
  /** The array's FQDN: the namespace that resolves to the VIPs. */
  readonly fqdn: string;
  readonly name: string;
  /** A PowerShell expression giving the AD site, e.g. an SSM parameter reference. */
  readonly siteExpression: string;
}

export function renderCasArrayScript(management: ExchangeManagement, array: CasArray): string {
  return [
    ...scriptHeader(
      "Exchange 2010: the CAS array on the load balancer's namespace",
      "001 §10 step 1",
      "one Exchange 2010 server, once per AD site",
    ),
    ...loadExchangeShell(management),
    `$fqdn = ${psString(array.fqdn)}`,
    `$name = ${psString(array.name)}`,
    `$site = ${array.siteExpression}`,
    "$existing = Get-ClientAccessArray | Where-Object { $_.Fqdn -eq $fqdn }",
    "if ($existing) {",
    '  Write-Host "unchanged: CAS array $($existing.Name) ($fqdn)"',
    "} else {",
    "  New-ClientAccessArray -Name $name -Fqdn $fqdn -Site $site | Out-Null",
    '  Write-Host "created: CAS array $name ($fqdn) in site $site"',
    "}",
    "# Databases that existed before the array still name a server [001 §10 step 1].",
    "foreach ($database in Get-MailboxDatabase) {",
    "  if ((Get-ExchangeServer -Identity $database.Server).Site.Name -ne $site) { continue }",
    '  if ("$($database.RpcClientAccessServer)" -eq $fqdn) {',
    '    Write-Host "unchanged: $($database.Name) uses $fqdn"',
    "  } else {",
    "    Set-MailboxDatabase -Identity $database.Identity -RpcClientAccessServer $fqdn",
    '    Write-Host "set: $($database.Name) RpcClientAccessServer $fqdn"',
    "  }",
    "}",
    "Get-ClientAccessArray | Format-List Name, Fqdn, Site, Members",
    "",
  ].join("\n");
}
