/**
 * A CloudWatch dashboard body as a reviewer reads it: one line a widget (its kind, title, place
 * and size), then one line a metric (namespace, name, dimensions, label) or alarm. The body's
 * JSON outline would give each metric nine lines.
 */
interface Widget {
  readonly type?: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
  readonly properties?: {
    readonly title?: string;
    readonly markdown?: string;
    readonly stat?: string;
    readonly metrics?: readonly (readonly unknown[])[];
    readonly alarms?: readonly string[];
  };
}

export function dashboardLines(body: unknown): string[] | undefined {
  const widgets = (body as { widgets?: Widget[] } | undefined)?.widgets;
  if (!Array.isArray(widgets)) return undefined;
  return widgets.flatMap((widget) => {
    const p = widget.properties ?? {};
    const title = p.title ?? p.markdown?.split("\n")[0] ?? "";
    const stat = p.stat ? ` ${p.stat}` : "";
    const place = `at ${widget.x},${widget.y} ${widget.width}x${widget.height}`;
    return [
      `  ${widget.type}${stat} ${JSON.stringify(title)} ${place}`,
      ...(p.metrics ?? []).map((metric) => `    ${metricLine(metric)}`),
      ...(p.alarms ?? []).map((alarm) => `    alarm ${alarm}`),
    ];
  });
}

/** `[namespace, name, key, value, ..., {options}]` as `namespace name key=value ... (label)`. */
function metricLine(metric: readonly unknown[]): string {
  const options = metric.find((part) => typeof part === "object" && part !== null) as
    { label?: string } | undefined;
  const parts = metric.filter((part) => typeof part !== "object").map(String);
  const [namespace, name, ...dimensions] = parts;
  const pairs = [];
  for (let i = 0; i + 1 < dimensions.length; i += 2)
    pairs.push(`${dimensions[i]}=${dimensions[i + 1]}`);
  const label = options?.label ? ` (${options.label})` : "";
  return `${namespace} ${name} ${pairs.join(" ")}${label}`.replace(/ +/g, " ");
}
