/**
 * The Exchange-side steps of the guides as SSM Command documents a user runs
 * on the Exchange servers (Run Command, or State Manager), rendered from the
 * same construct values as haproxy.cfg: static RPC ports, the 2010 CAS array,
 * the namespace's URLs, a receive connector for the load balancer's
 * addresses, and maintenance on/off. Add it after the VIPs.
 */
import { fail } from "../core/errors";
import { ExchangeVersion } from "../exchange/version";
import { Construct, Lazy, SsmDocument, Token } from "../framework";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { isIpv4 } from "../net/ipv4";
import { escapeTerraformTemplate } from "../terraform/escape";
import { RpcStaticPortVip } from "../vips/rpc-static-port-vip";
import { SmtpVip } from "../vips/smtp-vip";
import { renderCasArrayScript } from "./cas-array";
import { renderMaintenanceScript } from "./maintenance";
import { renderReceiveConnectorScript } from "./receive-connector";
import { ScriptDocument, parameterReference, renderScriptDocument } from "./script-document";
import { renderStaticRpcPortsScript } from "./static-rpc-ports";
import { renderVirtualDirectoryUrlsScript } from "./virtual-directory-urls";

export interface ExchangeServerScriptsProps {
  /**
   * Host name of Autodiscover [004 §8 step 4].
   * @default "autodiscover." followed by the namespace's parent domain
   */
  readonly autodiscoverNamespace?: string;
  /**
   * FQDN of the Exchange 2010 CAS array [001 §10 step 1].
   * @default the load balancer's namespace
   */
  readonly casArrayFqdn?: string;
  /**
   * AD site of the Exchange 2010 CAS array.
   * @default asked when the document runs (its `Site` parameter)
   */
  readonly adSite?: string;
  /**
   * Name of the receive connector that accepts SMTP relayed by the load balancer.
   * @default "From Exchange load balancer"
   */
  readonly receiveConnectorName?: string;
}

const SITE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$";
const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export class ExchangeServerScripts extends Construct {
  /** The documents by script name, e.g. `StaticRpcPorts`, `ReceiveConnector-25`. */
  public readonly documents: Readonly<Record<string, SsmDocument>>;
  private readonly scripts: Record<string, ScriptDocument>;
  /** The addresses Exchange sees SMTP from: the pair's nodes, or the instance's primary address. */
  private readonly sources: readonly string[];

  constructor(lb: ExchangeLoadBalancer, id: string, props: ExchangeServerScriptsProps = {}) {
    super(lb, id);
    const version = lb.profile.version;
    const namespace = lb.namespace;
    if (isIpv4(namespace) || !HOST.test(namespace)) {
      fail(
        this,
        `the load balancer's namespace "${namespace}" is not a DNS name, but the scripts write it into URLs`,
        "give the load balancer a namespace such as mail.example.com",
      );
    }
    const autodiscover = props.autodiscoverNamespace ?? `autodiscover.${parentDomain(namespace)}`;
    const casArrayFqdn = props.casArrayFqdn ?? namespace;
    for (const [name, host] of [
      ["autodiscoverNamespace", autodiscover],
      ["casArrayFqdn", casArrayFqdn],
    ] as const) {
      if (!HOST.test(host)) fail(this, `${name} "${host}" is not a DNS name`, "give an FQDN");
    }
    if (props.adSite !== undefined && !new RegExp(SITE_PATTERN).test(props.adSite)) {
      fail(
        this,
        `adSite "${props.adSite}" is not an AD site name`,
        "give e.g. Default-First-Site-Name",
      );
    }
    const connectorName = props.receiveConnectorName ?? "From Exchange load balancer";
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$/.test(connectorName)) {
      fail(
        this,
        `receiveConnectorName "${connectorName}" has characters Exchange refuses`,
        "use letters, digits, spaces, . _ - ( )",
      );
    }

    const sources = lb.nodeAddresses.length > 0 ? lb.nodeAddresses : [lb.instance.privateIp];
    this.sources = sources;
    const v2010 = version === ExchangeVersion.EXCHANGE_2010;
    const scripts: Record<string, ScriptDocument> = {
      VirtualDirectoryUrls: {
        description: `Exchange ${version}: URLs on ${namespace} for ${lb.node.path}`,
        script: renderVirtualDirectoryUrlsScript({
          version,
          namespace,
          autodiscoverNamespace: autodiscover,
        }),
      },
    };
    const rpc = lb.vips.find((vip): vip is RpcStaticPortVip => vip instanceof RpcStaticPortVip);
    if (rpc) {
      scripts.StaticRpcPorts = {
        description: `Exchange 2010: static RPC ports ${rpc.rpcClientAccessPort}/${rpc.addressBookPort} for ${rpc.node.path}`,
        script: renderStaticRpcPortsScript(rpc),
      };
    }
    if (v2010) {
      scripts.CasArray = {
        description: `Exchange 2010: CAS array ${casArrayFqdn}`,
        script: renderCasArrayScript({
          fqdn: casArrayFqdn,
          name: casArrayFqdn.split(".")[0],
          siteExpression: parameterReference("Site"),
        }),
        parameters: {
          Site: {
            description: "AD site of the Client Access servers (Get-ADSite)",
            ...(props.adSite !== undefined ? { default: props.adSite } : {}),
            allowedPattern: SITE_PATTERN,
          },
        },
      };
    } else {
      scripts.Maintenance = {
        description: `Exchange ${version}: maintenance on or off for the server it runs on`,
        script: renderMaintenanceScript(version, parameterReference("Mode")),
        parameters: {
          Mode: {
            description: "On drains the server from the load balancer; Off returns it",
            allowedValues: ["On", "Off"],
          },
        },
      };
    }
    // Inbound mail only: submission keeps Exchange's authenticated Client Frontend connector.
    const smtpPorts = [
      ...new Set(
        lb.vips
          .filter((vip) => vip instanceof SmtpVip && !vip.submission)
          .flatMap((vip) => vip.ports),
      ),
    ];
    for (const port of smtpPorts) {
      scripts[`ReceiveConnector-${port}`] = {
        description: `Exchange ${version}: receive connector ${connectorName} on port ${port}`,
        script: renderReceiveConnectorScript({
          version,
          name: connectorName,
          port,
          remoteAddresses: sources.map((_, i) => marker(i)),
        }),
      };
    }
    this.scripts = scripts;

    const documents: Record<string, SsmDocument> = {};
    for (const [name, document] of Object.entries(scripts)) {
      documents[name] = new SsmDocument(this, name, {
        name: `ExchangeLb-${lb.node.path.replace(/[^A-Za-z0-9_.-]/g, "-")}-${name}`,
        documentType: "Command",
        documentFormat: "JSON",
        targetType: "/AWS::EC2::Instance",
        content: Lazy.stringValue({
          // Escape the literal text for Terraform, then put the address tokens in.
          produce: () =>
            sources.reduce(
              (text, source, i) => text.split(marker(i)).join(source),
              escapeTerraformTemplate(renderScriptDocument(document)),
            ),
        }),
      });
    }
    this.documents = documents;

    const vipCount = lb.vips.length;
    this.node.addValidation({
      validate: () =>
        lb.vips.length === vipCount
          ? []
          : [
              `created before ${lb.vips.length - vipCount} of the load balancer's VIPs, so its scripts miss them. Fix: create ExchangeServerScripts after the VIPs`,
            ],
    });
  }

  /** The PowerShell of each script by name; an address known only at apply time is named. */
  public renderScripts(): Record<string, string> {
    const shown = this.sources.map((source) =>
      Token.isUnresolved(source) ? "<instance private IP>" : source,
    );
    return Object.fromEntries(
      Object.entries(this.scripts).map(([name, document]) => [
        name,
        shown.reduce((text, source, i) => text.split(marker(i)).join(source), document.script),
      ]),
    );
  }
}

/** Placeholder for the i-th load-balancer address until the escaped text holds it. */
function marker(i: number): string {
  return `EXCHANGE-LB-ADDRESS-${i}`;
}

function parentDomain(host: string): string {
  const labels = host.split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : host;
}
