/**
 * The CloudWatch dashboard body: the appliances' system overview from the published metrics.
 * A row for the nodes (and the alarms), then a row per VIP: its backends' healthy servers,
 * each real server's sessions, and each real server's state (failing a check, drained, in
 * maintenance). Body syntax: CloudWatch API Reference, "Dashboard Body Structure and Syntax".
 */
import { DIMENSION, METRICS, MetricDefinition } from "./metrics";
import { MonitoredLoadBalancer, MonitoredVip } from "./monitored";

type MetricLine = (string | { readonly label: string })[];

/** A widget before it is placed on the grid. */
interface Widget {
  readonly type: "metric" | "text" | "alarm";
  readonly width: number;
  readonly height: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

const WIDTH = 24;
const THIRD = WIDTH / 3;
const GRAPH_HEIGHT = 6;

export interface DashboardInput extends MonitoredLoadBalancer {
  /** The region of the metrics (a token at synth). */
  readonly region: string;
  /** The alarms' ARNs, shown in an alarm status widget; none: no widget. */
  readonly alarmArns: readonly string[];
}

type Values = Partial<Record<keyof typeof DIMENSION, string>>;

/** One metric of the load balancer's namespace, its LoadBalancer dimension filled in. */
function line(
  lb: DashboardInput,
  metric: MetricDefinition,
  values: Values,
  label: string,
): MetricLine {
  return [
    lb.namespace,
    metric.name,
    ...metric.dimensions.flatMap((d) => [
      DIMENSION[d],
      d === "loadBalancer" ? lb.name : (values[d] ?? ""),
    ]),
    { label },
  ];
}

function graph(
  lb: DashboardInput,
  title: string,
  stat: string,
  metrics: MetricLine[],
  stacked = false,
): Widget {
  return {
    type: "metric",
    width: THIRD,
    height: GRAPH_HEIGHT,
    properties: {
      title,
      view: "timeSeries",
      stacked,
      region: lb.region,
      stat,
      period: lb.periodSeconds,
      metrics,
    },
  };
}

function text(markdown: string, height: number): Widget {
  return { type: "text", width: WIDTH, height, properties: { markdown } };
}

export function dashboardBody(lb: DashboardInput): string {
  const rows: Widget[][] = [
    [
      text(
        `# Exchange load balancer ${lb.name}\nMetrics in namespace \`${lb.namespace}\`, one data point a node every ${lb.periodSeconds} s. A real server *down* fails its health check; *drained* takes no new sessions; *in maintenance* takes no traffic.`,
        2,
      ),
    ],
    nodeRow(lb),
    ...alarmRows(lb.alarmArns),
    ...lb.vips.flatMap((vip) => vipRows(lb, vip)),
  ];
  return JSON.stringify({ widgets: placed(rows) });
}

/** An alarm status widget shows at most 100 alarms (Dashboard Body Structure, "alarms"). */
const ALARMS_PER_WIDGET = 100;

function alarmRows(arns: readonly string[]): Widget[][] {
  const rows: Widget[][] = [];
  for (let i = 0; i < arns.length; i += ALARMS_PER_WIDGET) {
    const alarms = arns.slice(i, i + ALARMS_PER_WIDGET);
    const title = arns.length > ALARMS_PER_WIDGET ? `Alarms (${rows.length + 1})` : "Alarms";
    rows.push([{ type: "alarm", width: WIDTH, height: 4, properties: { title, alarms } }]);
  }
  return rows;
}

function nodeRow(lb: DashboardInput): Widget[] {
  if (lb.fleet) {
    // One data point a period from each node serving, the same dimensions: their sum counts them.
    return [graph(lb, "Nodes serving", "Sum", [line(lb, METRICS.serving, {}, "nodes serving")])];
  }
  const nodes = lb.nodes.map((n) => ({ node: n.instanceId, label: n.label }));
  return [
    graph(
      lb,
      "Nodes: HAProxy running",
      "Minimum",
      nodes.map((n) => line(lb, METRICS.haproxyUp, n, n.label)),
    ),
    ...(lb.pair
      ? [
          graph(
            lb,
            "Nodes: master (holds the VIPs)",
            "Maximum",
            nodes.map((n) => line(lb, METRICS.vrrpMaster, n, n.label)),
          ),
          graph(lb, "Pair failovers", "Sum", [line(lb, METRICS.failovers, {}, "failovers")]),
        ]
      : []),
  ];
}

function vipRows(lb: DashboardInput, vip: MonitoredVip): Widget[][] {
  const several = vip.backends.length > 1;
  const named = (backend: string, server: string) => (several ? `${backend} ${server}` : server);
  const sessions = vip.backends.flatMap((b) =>
    b.servers.map((server) =>
      line(lb, METRICS.serverSessions, { backend: b.name, server }, named(b.name, server)),
    ),
  );
  return [
    [text(`## VIP ${vip.name} (${vip.address})`, 1)],
    [
      graph(
        lb,
        `${vip.name}: healthy servers`,
        // The statistic the alarm reads: the dashboard shows 0 only when it pages.
        "Maximum",
        vip.backends.map((b) => line(lb, METRICS.healthyServers, { backend: b.name }, b.name)),
      ),
      graph(lb, `${vip.name}: sessions per real server`, "Maximum", sessions, true),
      graph(
        lb,
        `${vip.name}: real servers down, drained, in maintenance`,
        "Maximum",
        serverStates(lb, vip),
      ),
    ],
  ];
}

/** A server's drain and maintenance apply to every backend that has it: its first one shows them. */
function serverStates(lb: DashboardInput, vip: MonitoredVip): MetricLine[] {
  const firstBackend = new Map<string, string>();
  for (const b of vip.backends)
    for (const s of b.servers) if (!firstBackend.has(s)) firstBackend.set(s, b.name);
  return [...firstBackend].flatMap(([server, backend]) => [
    line(lb, METRICS.anyServerDown, { server }, `${server} down`),
    line(lb, METRICS.serverDraining, { backend, server }, `${server} drained`),
    line(lb, METRICS.serverInMaintenance, { backend, server }, `${server} in maintenance`),
  ]);
}

/** Rows laid out left to right, top to bottom, on CloudWatch's 24-column grid. */
function placed(rows: Widget[][]): (Widget & { x: number; y: number })[] {
  let y = 0;
  return rows.flatMap((row) => {
    let x = 0;
    const widgets = row.map((w) => {
      const widget = { ...w, x, y };
      x += w.width;
      return widget;
    });
    y += Math.max(...row.map((w) => w.height));
    return widgets;
  });
}
