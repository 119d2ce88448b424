/**
 * The Exchange Management Shell inside a plain PowerShell session (how Systems
 * Manager runs a script): the version's snap-in, loaded once. Pure.
 */
import { ExchangeVersion } from "../exchange/version";

export function exchangeSnapIn(version: ExchangeVersion): string {
  return version === ExchangeVersion.EXCHANGE_2010
    ? "Microsoft.Exchange.Management.PowerShell.E2010"
    : "Microsoft.Exchange.Management.PowerShell.SnapIn";
}

export function loadExchangeShell(version: ExchangeVersion): string[] {
  const snapIn = exchangeSnapIn(version);
  return [
    `if (-not (Get-PSSnapin -Name '${snapIn}' -ErrorAction SilentlyContinue)) { Add-PSSnapin '${snapIn}' }`,
    "$server = $env:COMPUTERNAME",
  ];
}
