/**
 * The README's defaults table, printed from the profiles so that the README
 * and the code cannot disagree (a test compares them).
 */
import { Cited } from "./citation";
import { ExchangeProfile, WebHealthCheck, profileFor } from "./profiles";
import { ExchangeVersion } from "./version";

type Cell = Cited<string>;

function text<T>(value: Cited<T>, show: (v: T) => string = String): Cell {
  return { value: show(value.value), source: value.source };
}

function webCheck(check: WebHealthCheck): string {
  return check.kind === "tcp-connect"
    ? "TCP connect to 80 and 443"
    : `HTTPS GET \`${check.path}\`, expect ${check.expectStatus}`;
}

type Row = [string, Cell];

function rpcRows(p: ExchangeProfile): Row[] {
  if ("unsupported" in p.rpc) {
    return [
      ["RPC ports", { value: "refused (no RPC/TCP for clients)", source: "004 §6" }],
      ["RPC persistence", { value: "n/a", source: "004 §6" }],
      ["RPC health check", { value: "n/a", source: "004 §6" }],
    ];
  }
  const rpc = p.rpc;
  return [
    [
      "RPC ports",
      {
        value: `${rpc.endpointMapperPort.value}, ${rpc.rpcClientAccessPort.value}, ${rpc.addressBookPort.value}`,
        source: `${rpc.endpointMapperPort.source}; ${rpc.rpcClientAccessPort.source}; ${rpc.addressBookPort.source}`,
      },
    ],
    [
      "RPC persistence",
      text(rpc.persistence, (x) => `${x.describe()}, one table for all three ports`),
    ],
    [
      "RPC health check",
      { value: "all three ports accept a connection", source: "003 §3.1 per-CAS RPC monitoring" },
    ],
  ];
}

function generalRows(p: ExchangeProfile): Row[] {
  return [
    ["Mode", { value: "Layer 7 SNAT, TCP (TLS passes through)", source: "001 §11, 004 §11" }],
    ["Client timeout (all but HTTPS)", text(p.clientTimeout, (d) => d.toHuman())],
    ["Server timeout (all but HTTPS)", text(p.serverTimeout, (d) => d.toHuman())],
    ["Connect timeout", text(p.connectTimeout, (d) => d.toHuman())],
    ["Balance", text(p.balance, () => "weighted round robin")],
    ["Redispatch", text(p.redispatch, (b) => (b ? "on" : "off"))],
    ["Retries", text(p.retries)],
    ["Real server weight", text(p.serverWeight)],
    ["Health check interval", text(p.checkInterval, (d) => d.toHuman())],
    [
      "Health check rise / fall",
      {
        value: `${p.checkRise.value} / ${p.checkFall.value}`,
        source: `${p.checkRise.source}; ${p.checkFall.source}`,
      },
    ],
    [
      "Health check fast interval / timeout",
      {
        value: `${p.checkFastInterval.value.toHuman()} / ${p.checkTimeout.value.toHuman()}`,
        source: `${p.checkFastInterval.source}; ${p.checkTimeout.source}`,
      },
    ],
    [
      "RPC, IMAP, POP3 sessions on a server marked down",
      text(p.shutdownSessionsOnDown.mailbox, (b) => (b ? "cut" : "kept")),
    ],
    [
      "HTTPS, SMTP sessions on a server marked down",
      text(p.shutdownSessionsOnDown.requests, (b) => (b ? "cut" : "kept until they end")),
    ],
    ["Old process after a reload", text(p.reloadGrace, (d) => `cut after ${d.toHuman()}`)],
    [
      "TCP keepalive to the servers",
      text(
        p.serverKeepalive,
        (k) => `after ${k.idle.toHuman()} idle, ${k.count} probes ${k.interval.toHuman()} apart`,
      ),
    ],
  ];
}

function webRows(p: ExchangeProfile): Row[] {
  return [
    ["HTTPS port", text(p.web.httpsPort)],
    [
      "HTTP port 80",
      text(p.web.http, (h) => (h === "forward" ? "forwarded like 443" : "301 redirect to HTTPS")),
    ],
    ["HTTPS idle timeouts (client, server)", text(p.web.idleTimeout, (d) => d.toHuman())],
    ["HTTPS keep-alive (bridge, offload)", text(p.web.keepAliveTimeout, (d) => d.toHuman())],
    [
      "HTTPS request buffer (bridge, offload)",
      text(p.web.requestBuffer, (n) => `${n} bytes (\`largeRequestBuffer: false\`: 16 KiB)`),
    ],
    [
      "HTTPS services not published unless listed (bridge, offload)",
      text(p.web.unpublishedByDefault, (list) => list.join(", ")),
    ],
    ["HTTPS persistence", text(p.web.persistence, (x) => x.describe())],
    ["HTTPS health check", text(p.web.healthCheck, webCheck)],
  ];
}

function mailRows(p: ExchangeProfile): Row[] {
  return [
    ["IMAP ports", text(p.imap.ports, (ports) => ports.join(", "))],
    ["POP3 ports", text(p.pop.ports, (ports) => ports.join(", "))],
    ["IMAP / POP3 persistence", text(p.mailPersistence, (x) => x.describe())],
    [
      "IMAP / POP3 health check",
      {
        value: "`* OK` / `+OK` greeting on 143 / 110; over TLS on 993 / 995 with `tlsOnly`",
        source: "003 §3.1 IMAP/POP backends",
      },
    ],
    [
      "SMTP, IMAP, POP3 connections at once (each VIP)",
      text(p.mailConnectionShare, (share) => `${share * 100} % of the load balancer's \`maxconn\``),
    ],
    ["SMTP port", text(p.smtp.port)],
    ["SMTP persistence", text(p.smtp.persistence, (x) => x.describe())],
    [
      "SMTP health check",
      { value: "`220` greeting, then `250` to EHLO", source: "002 §5.4 CheckType smtp" },
    ],
    [
      "SMTP sources",
      {
        value: "`allowedSources`, else `clientCidrs` with a warning",
        source: "001 appendix 2, 004 appendix 2",
      },
    ],
  ];
}

function rows(p: ExchangeProfile): Row[] {
  return [...generalRows(p), ...webRows(p), ...rpcRows(p), ...mailRows(p)];
}

/** A Markdown table: setting, 2010 value, 2013-SE value (one profile), sources. */
export function defaultsTable(): string {
  const old = rows(profileFor(ExchangeVersion.EXCHANGE_2010));
  const modern = rows(profileFor(ExchangeVersion.EXCHANGE_2013));
  const lines = [
    "| Setting | Exchange 2010 | Exchange 2013 / 2016 / 2019 / SE | Source (guide §) |",
    "|---|---|---|---|",
  ];
  old.forEach(([label, a], i) => {
    const b = modern[i][1];
    const source = a.source === b.source ? a.source : `2010: ${a.source}; 2013+: ${b.source}`;
    lines.push(`| ${label} | ${a.value} | ${b.value} | ${source} |`);
  });
  return lines.join("\n") + "\n";
}
