/**
 * Exchange 2010's static RPC ports as a script: the RPC Client Access service's
 * DWORD `TCP/IP Port` under MSExchangeRPC\ParametersSystem, the Address Book
 * service's REG_SZ `RpcTcpPort` under MSExchangeAB\Parameters (SP1 and later)
 * or the `RpcTcpPort` key of its .exe.config (before SP1), then a restart of
 * what changed and a netstat check [001 §10 step 2; 003 §4.1, §4.2]. Pure.
 */
import { SET_REGISTRY_VALUE, scriptHeader } from "./powershell";

export interface StaticRpcPorts {
  readonly rpcClientAccessPort: number;
  readonly addressBookPort: number;
}

export function renderStaticRpcPortsScript(ports: StaticRpcPorts): string {
  const rca = ports.rpcClientAccessPort;
  const ab = ports.addressBookPort;
  return [
    ...scriptHeader(
      "Exchange 2010: static RPC ports for the load balancer's CAS-RPC VIP",
      "001 §10 step 2; 003 §4",
      "every Client Access server, and every separate Mailbox server (001 §10 step 2)",
    ),
    `$rpcClientAccessPort = ${rca}`,
    `$addressBookPort = ${ab}`,
    ...SET_REGISTRY_VALUE,
    "$restart = @()",
    "# RPC Client Access: a DWORD, decimal [001 §10 step 2; 003 §4.1.1].",
    "if (Set-ExchangeLbRegistryValue 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeRPC\\ParametersSystem' 'TCP/IP Port' $rpcClientAccessPort 'DWord') { $restart += 'MSExchangeRPC' }",
    "# Address Book, SP1 and later: a string [001 §10 step 2; 003 §4.2.2]. Set before an SP1 upgrade too.",
    "if (Set-ExchangeLbRegistryValue 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters' 'RpcTcpPort' \"$addressBookPort\" 'String') { $restart += 'MSExchangeAB' }",
    "# Address Book before SP1: the RpcTcpPort key of the service's config file [001 §10 step 2; 003 §4.2.1].",
    "$exchangeBin = Join-Path $env:ExchangeInstallPath 'Bin'",
    "$abConfig = Join-Path $exchangeBin 'microsoft.exchange.addressbook.service.exe.config'",
    "if (Test-Path -LiteralPath $abConfig) {",
    "  [xml]$xml = Get-Content -LiteralPath $abConfig",
    "  $setting = $xml.configuration.appSettings.add | Where-Object { $_.key -eq 'RpcTcpPort' }",
    '  if ($setting -and $setting.value -ne "$addressBookPort") {',
    '    $setting.value = "$addressBookPort"',
    "    $xml.Save($abConfig)",
    '    Write-Host "set: $abConfig RpcTcpPort = $addressBookPort"',
    "    if ($restart -notcontains 'MSExchangeAB') { $restart += 'MSExchangeAB' }",
    "  }",
    "}",
    "# If the ports may already be in use, the guides prefer a reboot to a restart [001 §10 step 2].",
    'foreach ($service in $restart) { Write-Host "restarting $service"; Restart-Service -Name $service -Force }',
    "# Verify both ports listen [001 §10 step 2: netstat -an -p tcp].",
    "$missing = @()",
    "foreach ($port in @($rpcClientAccessPort, $addressBookPort)) {",
    '  $listening = netstat -an -p tcp | Select-String -Pattern (":$port\\s.*LISTENING")',
    "  if (-not $listening) { $missing += $port }",
    "}",
    "if ($missing.Count -gt 0) { throw \"not listening on TCP $($missing -join ', '): check the services, or reboot (001 §10 step 2)\" }",
    'Write-Host "listening on TCP $rpcClientAccessPort (RPC Client Access) and $addressBookPort (Address Book)"',
    "",
  ].join("\n");
}
