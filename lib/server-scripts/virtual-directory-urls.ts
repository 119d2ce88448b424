/**
 * Every virtual directory's internal and external URL, Outlook Anywhere's host
 * names (2013+) and the Autodiscover SCP, set to the namespace that resolves to
 * the VIP, on the server the script runs on [001 §10 step 1; 004 §8 steps 1-4].
 * Pure.
 */
import { ExchangeVersion } from "../exchange/version";
import { loadExchangeShell } from "./exchange-shell";
import { psString, scriptHeader } from "./powershell";

export interface NamespaceUrls {
  readonly version: ExchangeVersion;
  /** The namespace of the HTTPS VIP, e.g. mail.example.com. */
  readonly namespace: string;
  /** The Autodiscover host name, e.g. autodiscover.example.com. */
  readonly autodiscoverNamespace: string;
}

/** Virtual directory cmdlet noun and path, per version [001 §10 step 1; 004 §8 step 2]. */
export function virtualDirectories(version: ExchangeVersion): [string, string][] {
  const dirs: [string, string][] = [
    ["OwaVirtualDirectory", "owa"],
    ["EcpVirtualDirectory", "ecp"],
    ["WebServicesVirtualDirectory", "EWS/Exchange.asmx"],
    ["ActiveSyncVirtualDirectory", "Microsoft-Server-ActiveSync"],
    ["OabVirtualDirectory", "OAB"],
  ];
  // MAPI over HTTP arrived with 2013 SP1.
  return version === ExchangeVersion.EXCHANGE_2010
    ? dirs
    : [...dirs, ["MapiVirtualDirectory", "mapi"]];
}

export function renderVirtualDirectoryUrlsScript(urls: NamespaceUrls): string {
  const v2010 = urls.version === ExchangeVersion.EXCHANGE_2010;
  // 2016 renamed Set-ClientAccessServer to Set-ClientAccessService.
  const scpNoun =
    urls.version === ExchangeVersion.EXCHANGE_2010 || urls.version === ExchangeVersion.EXCHANGE_2013
      ? "ClientAccessServer"
      : "ClientAccessService";
  return [
    ...scriptHeader(
      `Exchange ${urls.version}: internal and external URLs on the load balancer's namespace`,
      v2010 ? "001 §10 step 1" : "004 §8 steps 1-4 and 9",
      "every Client Access server",
    ),
    ...loadExchangeShell(urls.version),
    `$namespace = ${psString(urls.namespace)}`,
    `$autodiscover = ${psString(urls.autodiscoverNamespace)}`,
    "$changed = $false",
    "$directories = @(",
    ...virtualDirectories(urls.version).map(
      ([noun, path], i, all) =>
        `  @{ Noun = ${psString(noun)}; Url = "https://$namespace/${path}" }${i < all.length - 1 ? "," : ""}`,
    ),
    ")",
    "foreach ($directory in $directories) {",
    '  $vdir = & "Get-$($directory.Noun)" -Server $server',
    '  if ("$($vdir.InternalUrl)" -eq $directory.Url -and "$($vdir.ExternalUrl)" -eq $directory.Url) {',
    '    Write-Host "unchanged: $($vdir.Identity) $($directory.Url)"',
    "  } else {",
    '    & "Set-$($directory.Noun)" -Identity $vdir.Identity -InternalUrl $directory.Url -ExternalUrl $directory.Url',
    '    Write-Host "set: $($vdir.Identity) $($directory.Url)"',
    "    $changed = $true",
    "  }",
    "}",
    ...(v2010
      ? []
      : [
          "# Outlook Anywhere host names [004 §8 step 3].",
          "$oa = Get-OutlookAnywhere -Server $server",
          'if ("$($oa.InternalHostname)" -ne $namespace -or "$($oa.ExternalHostname)" -ne $namespace) {',
          "  Set-OutlookAnywhere -Identity $oa.Identity -InternalHostname $namespace -ExternalHostname $namespace -InternalClientsRequireSsl $true -ExternalClientsRequireSsl $true",
          '  Write-Host "set: $($oa.Identity) host names $namespace"',
          "  $changed = $true",
          '} else { Write-Host "unchanged: $($oa.Identity)" }',
        ]),
    `# Autodiscover for domain-joined clients: the SCP [${v2010 ? "001 §10 step 1" : "004 §8 step 4"}].`,
    '$scp = "https://$autodiscover/Autodiscover/Autodiscover.xml"',
    `$cas = Get-${scpNoun} -Identity $server`,
    'if ("$($cas.AutoDiscoverServiceInternalUri)" -ne $scp) {',
    `  Set-${scpNoun} -Identity $server -AutoDiscoverServiceInternalUri $scp`,
    '  Write-Host "set: Autodiscover SCP $scp"',
    "  $changed = $true",
    '} else { Write-Host "unchanged: Autodiscover SCP $scp" }',
    "if ($changed) {",
    "  # The guides restart IIS afterwards; do it while the server is drained [004 §8 step 9].",
    "  Write-Host 'changed: run iisreset /restart on this server once it is drained (Maintenance script)'",
    "}",
    "",
  ].join("\n");
}
