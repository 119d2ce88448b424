/**
 * A CloudWatch dashboard body checked against CloudWatch API Reference, "Dashboard Body
 * Structure and Syntax": a `widgets` array of at most 500; each widget's type, its place on
 * the 24-column grid (x 0-23, width 1-24, height 1-1000) and its properties; a metric
 * widget's `metrics` as [namespace, metric name, dimension name, value, ..., {options}], its
 * region, stat and period (a multiple of 60 for standard-resolution metrics); an alarm
 * widget's alarm ARNs (at most 100); a text widget's markdown. Widgets must not overlap.
 */
export interface MetricLine {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly label?: string;
}

const STATS = /^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?)$/;

export function dashboardProblems(body: string): string[] {
  const problems: string[] = [];
  const parsed = JSON.parse(body) as { widgets?: unknown };
  if (!Array.isArray(parsed.widgets)) return ["no widgets array"];
  if (parsed.widgets.length > 500) problems.push("more than 500 widgets");
  const taken = new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, checked below
  parsed.widgets.forEach((widget: Record<string, any>, i: number) => {
    const at = `widget ${i}`;
    const { type, x, y, width, height, properties } = widget;
    if (!["metric", "text", "alarm", "log", "explorer"].includes(type))
      problems.push(`${at}: type ${type}`);
    if (!Number.isInteger(x) || x < 0 || x > 23) problems.push(`${at}: x ${x}`);
    if (!Number.isInteger(y) || y < 0) problems.push(`${at}: y ${y}`);
    if (!Number.isInteger(width) || width < 1 || width > 24 || x + width > 24)
      problems.push(`${at}: width ${width} at x ${x}`);
    if (!Number.isInteger(height) || height < 1 || height > 1000)
      problems.push(`${at}: height ${height}`);
    for (let col = x; col < x + width; col++)
      for (let row = y; row < y + height; row++) {
        if (taken.has(`${col},${row}`)) problems.push(`${at}: overlaps at ${col},${row}`);
        taken.add(`${col},${row}`);
      }
    if (typeof properties !== "object" || properties === null) {
      problems.push(`${at}: no properties`);
      return;
    }
    if (type === "text" && typeof properties.markdown !== "string")
      problems.push(`${at}: no markdown`);
    if (type === "alarm") {
      const alarms = properties.alarms;
      if (!Array.isArray(alarms) || alarms.length === 0 || alarms.length > 100)
        problems.push(`${at}: alarms must be 1 to 100 ARNs`);
    }
    if (type === "metric") {
      if (typeof properties.region !== "string" || !properties.region)
        problems.push(`${at}: no region`);
      if (!STATS.test(properties.stat)) problems.push(`${at}: stat ${properties.stat}`);
      if (!Number.isInteger(properties.period) || properties.period % 60 !== 0)
        problems.push(`${at}: period ${properties.period}`);
      if (!Array.isArray(properties.metrics) || properties.metrics.length === 0)
        problems.push(`${at}: no metrics`);
      else
        for (const line of properties.metrics) {
          const strings = line.filter((part: unknown) => typeof part === "string");
          const options = line.slice(strings.length);
          if (
            strings.length < 2 ||
            strings.length % 2 !== 0 ||
            options.length > 1 ||
            (options.length === 1 && typeof options[0] !== "object")
          )
            problems.push(`${at}: metric ${JSON.stringify(line)}`);
        }
    }
  });
  return problems;
}

/** Every metric line of every metric widget. */
export function dashboardMetrics(body: string): MetricLine[] {
  const widgets: { type: string; properties: { metrics?: unknown[][] } }[] =
    JSON.parse(body).widgets;
  return widgets
    .filter((w) => w.type === "metric")
    .flatMap((w) => w.properties.metrics ?? [])
    .map((line) => {
      const strings = line.filter((p): p is string => typeof p === "string");
      const options = line.find((p) => typeof p === "object") as { label?: string } | undefined;
      const dimensions: Record<string, string> = {};
      for (let i = 2; i < strings.length; i += 2) dimensions[strings[i]] = strings[i + 1];
      return { namespace: strings[0], name: strings[1], dimensions, label: options?.label };
    });
}
