/**
 * The Exchange Management Shell inside a plain PowerShell session (how Systems
 * Manager runs a script): the version's snap-in, loaded once. Pure.
 */
import { ExchangeManagement } from "../exchange/management";

export function loadExchangeShell(management: ExchangeManagement): string[] {
  const { snapIn } = management;
  return [
    `if (-not (Get-PSSnapin -Name '${snapIn}' -ErrorAction SilentlyContinue)) { Add-PSSnapin '${snapIn}' }`,
    "$server = $env:COMPUTERNAME",
  ];
}
