/**
 * The Exchange-side scripts: their content follows the construct values and
 * the guides' steps, each is idempotent (compare before set), and each becomes
 * an SSM Command document whose only Terraform interpolation is the load
 * balancer's own address. No PowerShell runs here, so a structural check
 * stands in for a parser: braces, brackets and quotes balance on every script.
 */
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ExchangeServerScripts,
  ExchangeVersion,
  ImapVip,
  RpcStaticPortVip,
  SmtpVip,
} from "../../lib";
import { Json, fixture, resourcesOf, synthJson } from "../support/synth";

function build(overrides: Partial<ExchangeLoadBalancerProps> = {}, props = {}) {
  const f = fixture({ namespace: "mail.example.com", ...overrides });
  new CasHttpsVip(f.lb, "CasWeb");
  if (
    (overrides.exchangeVersion ?? ExchangeVersion.EXCHANGE_2010) === ExchangeVersion.EXCHANGE_2010
  ) {
    new RpcStaticPortVip(f.lb, "CasRpc", { rpcClientAccessPort: 60300, addressBookPort: 60301 });
  }
  new ImapVip(f.lb, "CasImap");
  new SmtpVip(f.lb, "Smtp", { allowedSources: ["192.168.30.50"] });
  const scripts = new ExchangeServerScripts(f.lb, "ServerScripts", props);
  return { ...f, scripts, json: synthJson(f.stack) };
}

/** Strips PowerShell strings and comments, then checks that (), [] and {} nest. */
function expectBalanced(script: string): void {
  const code = script
    .split("\n")
    .map((line) => line.replace(/^\s*#.*$/, ""))
    .join("\n")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"`]|`.)*"/g, '""');
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const c of code) {
    if ("([{".includes(c)) open.push(c);
    else if (c in pairs) expect(open.pop()).toBe(pairs[c]);
  }
  expect(open).toEqual([]);
  // Every quote was part of a complete string.
  expect(code.replace(/''|""/g, "")).not.toMatch(/['"]/);
}

describe("Exchange 2010", () => {
  const { scripts, json } = build();
  const text = scripts.renderScripts();

  test("the scripts the 2010 guides call for", () => {
    expect(Object.keys(text).sort()).toEqual([
      "CasArray",
      "ReceiveConnector-25",
      "StaticRpcPorts",
      "VirtualDirectoryUrls",
    ]);
    for (const script of Object.values(text)) expectBalanced(script);
  });

  test("static RPC ports: the VIP's ports, the guides' registry values and types, restart, netstat", () => {
    const s = text.StaticRpcPorts;
    expect(s).toContain("$rpcClientAccessPort = 60300\n$addressBookPort = 60301\n");
    expect(s).toContain(
      "Set-ExchangeLbRegistryValue 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeRPC\\ParametersSystem' 'TCP/IP Port' $rpcClientAccessPort 'DWord'",
    );
    expect(s).toContain(
      "Set-ExchangeLbRegistryValue 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters' 'RpcTcpPort' \"$addressBookPort\" 'String'",
    );
    expect(s).toContain("'microsoft.exchange.addressbook.service.exe.config'");
    // Idempotent: a value is set only when it differs, and only changed services restart.
    expect(s).toContain('if ("$current" -eq "$Value") {');
    expect(s).toContain("foreach ($service in $restart) {");
    expect(s).toContain("netstat -an -p tcp");
    expect(s).toContain('throw "not listening on TCP');
  });

  test("URLs: 2010's virtual directories and the SCP, no MAPI or Outlook Anywhere", () => {
    const s = text.VirtualDirectoryUrls;
    expect(s).toContain("$namespace = 'mail.example.com'");
    expect(s).toContain("$autodiscover = 'autodiscover.example.com'");
    for (const path of ["owa", "ecp", "EWS/Exchange.asmx", "Microsoft-Server-ActiveSync", "OAB"]) {
      expect(s).toContain(`Url = "https://$namespace/${path}" }`);
    }
    expect(s).not.toContain("MapiVirtualDirectory");
    expect(s).not.toContain("OutlookAnywhere");
    expect(s).toContain(
      "Set-ClientAccessServer -Identity $server -AutoDiscoverServiceInternalUri $scp",
    );
    expect(s).toContain("Add-PSSnapin 'Microsoft.Exchange.Management.PowerShell.E2010'");
  });

  test("CAS array: created once on the namespace; databases of its site pointed at it; site asked at run time", () => {
    expect(text.CasArray).toContain("$fqdn = 'mail.example.com'");
    expect(text.CasArray).toContain("$site = '{{ Site }}'");
    expect(text.CasArray).toContain("New-ClientAccessArray -Name $name -Fqdn $fqdn -Site $site");
    expect(text.CasArray).toContain(
      "Set-MailboxDatabase -Identity $database.Identity -RpcClientAccessServer $fqdn",
    );
    const [document] = resourcesOf(json, "aws_ssm_document").filter((d: Json) =>
      d.name.endsWith("-CasArray"),
    );
    expect(JSON.parse(document.content).parameters).toEqual({
      Site: {
        type: "String",
        description: "AD site of the Client Access servers (Get-ADSite)",
        allowedPattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$",
      },
    });
  });

  test("receive connector: Hub Transport, the SMTP port, the instance's address as the only remote range", () => {
    const s = text["ReceiveConnector-25"];
    expect(s).toContain("$binding = '0.0.0.0:25'");
    expect(s).toContain("$remote = @('<instance private IP>')");
    expect(s).toContain(
      "-Usage Custom -Bindings $binding -RemoteIPRanges $remote -PermissionGroups AnonymousUsers",
    );
    expect(s).not.toContain("-TransportRole");
    // In Terraform the address is the instance's attribute; every other ${ is escaped.
    const [document] = resourcesOf(json, "aws_ssm_document").filter((d: Json) =>
      d.name.endsWith("-ReceiveConnector-25"),
    );
    const interpolations = [...document.content.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]);
    expect(interpolations).toEqual([
      expect.stringMatching(/^aws_instance\.Lb_Instance_\w+\.private_ip$/),
    ]);
    expect(document.content).not.toMatch(/(?<!%)%\{/);
  });
});

describe("Exchange 2016, a pair", () => {
  const { scripts, json } = build(
    {
      exchangeVersion: ExchangeVersion.EXCHANGE_2016,
      subnetId: undefined,
      highAvailability: {
        nodes: [
          { subnetId: "subnet-0a1b2c3d", address: "192.168.30.5" },
          { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
        ],
      },
    },
    { autodiscoverNamespace: "autodiscover.example.org" },
  );
  const text = scripts.renderScripts();

  test("the scripts for 2013+: URLs, receive connector, maintenance; no RPC or CAS array", () => {
    expect(Object.keys(text).sort()).toEqual([
      "Maintenance",
      "ReceiveConnector-25",
      "VirtualDirectoryUrls",
    ]);
    for (const script of Object.values(text)) expectBalanced(script);
  });

  test("URLs: MAPI, Outlook Anywhere and Set-ClientAccessService (2016 renamed it)", () => {
    const s = text.VirtualDirectoryUrls;
    expect(s).toContain("@{ Noun = 'MapiVirtualDirectory'; Url = \"https://$namespace/mapi\" }");
    expect(s).toContain(
      "Set-OutlookAnywhere -Identity $oa.Identity -InternalHostname $namespace -ExternalHostname $namespace",
    );
    expect(s).toContain("Set-ClientAccessService -Identity $server");
    expect(s).toContain("$autodiscover = 'autodiscover.example.org'");
    expect(s).toContain("Add-PSSnapin 'Microsoft.Exchange.Management.PowerShell.SnapIn'");
  });

  test("receive connector: no per-source cap, since every relay arrives from the load balancer (SNAT), set only when it differs", () => {
    const s = text["ReceiveConnector-25"];
    expect(s).toContain(
      "$limits = @{ MaxInboundConnectionPerSource = 'Unlimited'; MaxInboundConnectionPercentagePerSource = 100 }",
    );
    expect(s).toContain("-PermissionGroups AnonymousUsers @limits | Out-Null");
    expect(s).toContain(
      '$stale = @($limits.Keys | Where-Object { "$($existing.$_)" -ne "$($limits[$_])" })',
    );
    expect(s.indexOf("if ($stale.Count -eq 0)")).toBeLessThan(
      s.indexOf("Set-ReceiveConnector -Identity $existing.Identity @limits"),
    );
  });

  test("receive connector: front-end transport, both nodes' addresses", () => {
    const s = text["ReceiveConnector-25"];
    expect(s).toContain("$remote = @('192.168.30.5', '192.168.30.6')");
    expect(s).toContain("-TransportRole FrontendTransport");
  });

  test("maintenance: drains transport, then takes the whole server out; On or Off only", () => {
    const s = text.Maintenance;
    expect(s.indexOf("HubTransport -State Draining")).toBeLessThan(
      s.indexOf("ServerWideOffline -State Inactive"),
    );
    const [document] = resourcesOf(json, "aws_ssm_document").filter((d: Json) =>
      d.name.endsWith("-Maintenance"),
    );
    const content = JSON.parse(document.content);
    expect(content.parameters.Mode.allowedValues).toEqual(["On", "Off"]);
    expect(content.mainSteps[0].action).toBe("aws:runPowerShellScript");
    expect(content.mainSteps[0].inputs.runCommand.join("\n") + "\n").toBe(s);
    expect(document.target_type).toBe("/AWS::EC2::Instance");
  });
});

describe("the scripts follow the VIPs, whenever they are created", () => {
  /** The 2010 VIPs of `build`, with the scripts created after `before` of them. */
  function inOrder(before: number) {
    const f = fixture({ namespace: "mail.example.com" });
    const vips = [
      () => new CasHttpsVip(f.lb, "CasWeb"),
      () =>
        new RpcStaticPortVip(f.lb, "CasRpc", {
          rpcClientAccessPort: 60300,
          addressBookPort: 60301,
        }),
      () => new ImapVip(f.lb, "CasImap"),
      () => new SmtpVip(f.lb, "Smtp", { allowedSources: ["192.168.30.50"] }),
    ];
    vips.slice(0, before).forEach((add) => add());
    const scripts = new ExchangeServerScripts(f.lb, "ServerScripts");
    vips.slice(before).forEach((add) => add());
    return {
      scripts: scripts.renderScripts(),
      documents: resourcesOf(synthJson(f.stack), "aws_ssm_document"),
    };
  }

  const after = inOrder(4);

  test.each([
    ["before every VIP", 0],
    ["between the VIPs", 1],
    ["before the last VIP", 3],
  ])("created %s: the same scripts and SSM documents as created after them", (_name, before) => {
    const early = inOrder(before);
    // Not vacuous: the VIPs' own scripts are there.
    expect(Object.keys(early.scripts)).toEqual([
      "VirtualDirectoryUrls",
      "StaticRpcPorts",
      "CasArray",
      "ReceiveConnector-25",
    ]);
    expect(early.scripts).toEqual(after.scripts);
    expect(JSON.stringify(early.documents)).toBe(JSON.stringify(after.documents));
    expect(early.documents.map((d: Json) => d.name)).toEqual([
      "ExchangeLb-test-Lb-config",
      "ExchangeLb-test-Lb-CasArray",
      "ExchangeLb-test-Lb-ReceiveConnector-25",
      "ExchangeLb-test-Lb-StaticRpcPorts",
      "ExchangeLb-test-Lb-VirtualDirectoryUrls",
      "ExchangeLb-test-Lb-ServerStatus",
      "ExchangeLb-test-Lb-SetServerState",
    ]);
  });
});

describe("bad input", () => {
  test("a namespace that is an address is refused: the scripts write it into URLs", () => {
    const f = fixture();
    new CasHttpsVip(f.lb, "CasWeb");
    expect(() => new ExchangeServerScripts(f.lb, "ServerScripts")).toThrow(
      'test/Lb/ServerScripts: the load balancer\'s namespace "192.168.30.10" is not a DNS name, but the scripts write it into URLs. Fix: give the load balancer a namespace',
    );
  });

  test.each([
    [{ adSite: "Site'; rm" }, 'adSite "Site\'; rm" is not an AD site name'],
    [
      { autodiscoverNamespace: "auto discover" },
      'autodiscoverNamespace "auto discover" is not a DNS name',
    ],
    [{ receiveConnectorName: "From LB; evil" }, "has characters Exchange refuses"],
  ])("%j is refused", (props, message) => {
    expect(() => build({}, props)).toThrow(message);
  });
});

test("submission keeps Exchange's authenticated Client Frontend connector: no connector script for 587", () => {
  const f = fixture({
    exchangeVersion: ExchangeVersion.EXCHANGE_2019,
    namespace: "mail.example.com",
  });
  new CasHttpsVip(f.lb, "CasWeb");
  new SmtpVip(f.lb, "Smtp", { allowedSources: ["192.168.30.50"] });
  new SmtpVip(f.lb, "Submission", { submission: true });
  const scripts = new ExchangeServerScripts(f.lb, "ServerScripts");
  expect(Object.keys(scripts.renderScripts()).sort()).toEqual([
    "Maintenance",
    "ReceiveConnector-25",
    "VirtualDirectoryUrls",
  ]);
});
