/**
 * The Exchange-side steps of the guides as SSM Command documents a user runs
 * on the Exchange servers (Run Command, or State Manager), rendered from the
 * same construct values as haproxy.cfg: the namespace's URLs, the 2010 CAS
 * array or maintenance on/off, and per VIP what it needs on the servers
 * (static RPC ports, a receive connector for the load balancer's addresses).
 * It follows the load balancer's VIPs, so it may be added before or after them.
 */
import { Construct, Lazy, SsmDocument, TerraformOutput, Token } from "../framework";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { NODES_TAG, documentName } from "../load-balancer/names";
import { escapeTerraformTemplate } from "../terraform/escape";
import { ExchangeSide } from "../vips/description";
import { renderCasArrayScript } from "./cas-array";
import { renderMaintenanceScript } from "./maintenance";
import { renderPatchingAutomation } from "./patching-automation";
import { renderReceiveConnectorScript } from "./receive-connector";
import { ScriptDocument, parameterReference, renderScriptDocument } from "./script-document";
import { ExchangeServerScriptsProps, SITE_PATTERN, resolveScriptsProps } from "./scripts-props";
import { renderStaticRpcPortsScript } from "./static-rpc-ports";
import { renderVirtualDirectoryUrlsScript } from "./virtual-directory-urls";

export type { ExchangeServerScriptsProps } from "./scripts-props";

/** The order scripts are listed in, by name up to the first `-`: the order an admin runs them. */
const ORDER = [
  "VirtualDirectoryUrls",
  "StaticRpcPorts",
  "CasArray",
  "Maintenance",
  "ReceiveConnector",
];

export class ExchangeServerScripts extends Construct {
  private readonly lb: ExchangeLoadBalancer;
  private readonly scripts = new Map<string, ScriptDocument>();
  private readonly documentsByName = new Map<string, SsmDocument>();
  /** The addresses Exchange sees SMTP from: the pair's nodes or the instance's primary address, and the extra source addresses. */
  private readonly sources: readonly string[];
  private readonly connectorName: string;

  constructor(lb: ExchangeLoadBalancer, id: string, props: ExchangeServerScriptsProps = {}) {
    super(lb, id);
    this.lb = lb;
    const resolved = resolveScriptsProps(this, lb.namespace, props);
    this.connectorName = resolved.receiveConnectorName;
    this.sources = smtpSources(lb);
    const { profile, namespace } = lb;
    const { version, management } = profile;
    this.add("VirtualDirectoryUrls", {
      description: `Exchange ${version}: URLs on ${namespace} for ${lb.node.path}`,
      script: renderVirtualDirectoryUrlsScript({
        profile,
        namespace,
        autodiscoverNamespace: resolved.autodiscoverNamespace,
      }),
    });
    if (management.namespaceStep === "cas-array") {
      const fqdn = resolved.casArrayFqdn;
      this.add("CasArray", {
        description: `Exchange ${version}: CAS array ${fqdn}`,
        script: renderCasArrayScript(management, {
          fqdn,
          name: fqdn.split(".")[0],
          siteExpression: parameterReference("Site"),
        }),
        parameters: {
          Site: {
            description: "AD site of the Client Access servers (Get-ADSite)",
            ...(props.adSite !== undefined ? { default: props.adSite } : {}),
            allowedPattern: SITE_PATTERN,
          },
        },
      });
    } else {
      this.add("Maintenance", {
        description: `Exchange ${version}: maintenance on or off for the server it runs on`,
        script: renderMaintenanceScript(profile, parameterReference("Mode")),
        parameters: {
          Mode: {
            description: "On drains the server from the load balancer; Off returns it",
            allowedValues: ["On", "Off"],
          },
        },
      });
      this.addPatchingAutomation();
    }
    lb.forEachVip((vip) => {
      if (vip.exchangeSide) this.addExchangeSide(vip.exchangeSide, vip.path);
    });
  }

  /** The documents by script name, e.g. `StaticRpcPorts`, `ReceiveConnector-25`. */
  public get documents(): Readonly<Record<string, SsmDocument>> {
    return Object.fromEntries(
      this.ordered().map((name) => [name, this.documentsByName.get(name)!]),
    );
  }

  /** The PowerShell of each script by name; an address known only at apply time is named. */
  public renderScripts(): Record<string, string> {
    const shown = this.sources.map((source) =>
      Token.isUnresolved(source) ? "<instance private IP>" : source,
    );
    return Object.fromEntries(
      this.ordered().map((name) => [name, withSources(this.scripts.get(name)!.script, shown)]),
    );
  }

  /** The runbook that drains a server on the load balancer, then runs Maintenance (004 §12). */
  private addPatchingAutomation(): void {
    const document = new SsmDocument(this, "PatchExchangeServer", {
      name: documentName(this.lb, "PatchExchangeServer"),
      documentType: "Automation",
      documentFormat: "JSON",
      content: escapeTerraformTemplate(
        renderPatchingAutomation({
          loadBalancer: this.lb.node.path,
          nodesTag: { key: NODES_TAG, value: this.lb.node.path },
          setServerStateDocument: documentName(this.lb, "SetServerState"),
          maintenanceDocument: documentName(this.lb, "Maintenance"),
        }),
      ),
    });
    new TerraformOutput(this, "PatchExchangeServerDocumentName", {
      description: "aws ssm start-automation-execution --document-name <this> (README, Patching)",
      value: document.name,
    });
  }

  private addExchangeSide(side: ExchangeSide, vipPath: string): void {
    const { version } = this.lb.profile;
    if (side.kind === "static-rpc-ports") {
      this.add("StaticRpcPorts", {
        description: `Exchange ${version}: static RPC ports ${side.rpcClientAccessPort}/${side.addressBookPort} for ${vipPath}`,
        script: renderStaticRpcPortsScript(side),
      });
      return;
    }
    this.add(`ReceiveConnector-${side.port}`, {
      description: `Exchange ${version}: receive connector ${this.connectorName} on port ${side.port}`,
      script: renderReceiveConnectorScript({
        profile: this.lb.profile,
        name: this.connectorName,
        port: side.port,
        remoteAddresses: this.sources.map((_, i) => marker(i)),
      }),
    });
  }

  /** One document per name: the first VIP that needs a script decides it. */
  private add(name: string, document: ScriptDocument): void {
    if (this.scripts.has(name)) return;
    this.scripts.set(name, document);
    this.documentsByName.set(
      name,
      new SsmDocument(this, name, {
        name: documentName(this.lb, name),
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content: Lazy.stringValue({
          // Escape the literal text for Terraform, then put the address tokens in.
          produce: () =>
            withSources(escapeTerraformTemplate(renderScriptDocument(document)), this.sources),
        }),
      }),
    );
  }

  private ordered(): string[] {
    const rank = (name: string) => ORDER.indexOf(name.split("-")[0]);
    return [...this.scripts.keys()].sort((a, b) => rank(a) - rank(b));
  }
}

/** Placeholder for the i-th load-balancer address until the escaped text holds it. */
function marker(i: number): string {
  return `EXCHANGE-LB-ADDRESS-${i}`;
}

function withSources(text: string, sources: readonly string[]): string {
  return sources.reduce((result, source, i) => result.split(marker(i)).join(source), text);
}

/**
 * The addresses Exchange sees SMTP from: each node's primary address and its source addresses;
 * a fleet's nodes come and go, so its subnets (README, "A fleet behind a Network Load Balancer").
 */
function smtpSources(lb: ExchangeLoadBalancer): string[] {
  if (lb.fleet) return [...lb.fleet.subnetCidrs];
  const primaries = lb.nodeAddresses.length > 0 ? lb.nodeAddresses : [lb.instance.privateIp];
  return [...primaries, ...lb.sourceAddresses];
}
