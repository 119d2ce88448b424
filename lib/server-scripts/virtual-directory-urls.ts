/**
 * Every virtual directory's internal and external URL, Outlook Anywhere's host
 * names (2013+) and the Autodiscover SCP, set to the namespace that resolves to
 * the VIP, on the server the script runs on [001 §10 step 1; 004 §8 steps 1-4].
 * Pure.
 */
import { ExchangeManagement } from "../exchange/management";
import { ExchangeProfile } from "../exchange/profiles";
import { URL_ORDER, WEB_SERVICES } from "../exchange/web-services";
import { loadExchangeShell } from "./exchange-shell";
import { psString, scriptHeader } from "./powershell";

export interface NamespaceUrls {
  readonly profile: ExchangeProfile;
  /** The namespace of the HTTPS VIP, e.g. mail.example.com. */
  readonly namespace: string;
  /** The Autodiscover host name, e.g. autodiscover.example.com. */
  readonly autodiscoverNamespace: string;
}

/** Cmdlet noun and URL path of each virtual directory the version has, in the script's order. */
export function virtualDirectories(profile: ExchangeProfile): [string, string][] {
  return URL_ORDER.filter((service) => profile.web.services.includes(service)).flatMap(
    (service) => {
      const directory = WEB_SERVICES[service].directory;
      return directory ? [[directory.noun, directory.urlPath] as [string, string]] : [];
    },
  );
}

export function renderVirtualDirectoryUrlsScript(urls: NamespaceUrls): string {
  const { version, management } = urls.profile;
  return [
    ...scriptHeader(
      `Exchange ${version}: internal and external URLs on the load balancer's namespace`,
      management.urlsSource,
      "every Client Access server",
    ),
    ...loadExchangeShell(management),
    `$namespace = ${psString(urls.namespace)}`,
    `$autodiscover = ${psString(urls.autodiscoverNamespace)}`,
    "$changed = $false",
    "$directories = @(",
    ...virtualDirectories(urls.profile).map(
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
    ...(management.outlookAnywhere ? outlookAnywhereLines() : []),
    ...scpLines(management),
    "if ($changed) {",
    "  # The guides restart IIS afterwards; do it while the server is drained [004 §8 step 9].",
    "  Write-Host 'changed: run iisreset /restart on this server once it is drained (Maintenance script)'",
    "}",
    "",
  ].join("\n");
}

/** Outlook Anywhere's host names on the namespace (2013+) [004 §8 step 3]. */
function outlookAnywhereLines(): string[] {
  return [
    "# Outlook Anywhere host names [004 §8 step 3].",
    "$oa = Get-OutlookAnywhere -Server $server",
    'if ("$($oa.InternalHostname)" -ne $namespace -or "$($oa.ExternalHostname)" -ne $namespace) {',
    "  Set-OutlookAnywhere -Identity $oa.Identity -InternalHostname $namespace -ExternalHostname $namespace -InternalClientsRequireSsl $true -ExternalClientsRequireSsl $true",
    '  Write-Host "set: $($oa.Identity) host names $namespace"',
    "  $changed = $true",
    '} else { Write-Host "unchanged: $($oa.Identity)" }',
  ];
}

/** The Autodiscover SCP for domain-joined clients, with the version's cmdlet noun. */
function scpLines(management: ExchangeManagement): string[] {
  const scpNoun = management.clientAccessNoun;
  return [
    `# Autodiscover for domain-joined clients: the SCP [${management.scpSource}].`,
    '$scp = "https://$autodiscover/Autodiscover/Autodiscover.xml"',
    `$cas = Get-${scpNoun} -Identity $server`,
    'if ("$($cas.AutoDiscoverServiceInternalUri)" -ne $scp) {',
    `  Set-${scpNoun} -Identity $server -AutoDiscoverServiceInternalUri $scp`,
    '  Write-Host "set: Autodiscover SCP $scp"',
    "  $changed = $true",
    '} else { Write-Host "unchanged: Autodiscover SCP $scp" }',
  ];
}
