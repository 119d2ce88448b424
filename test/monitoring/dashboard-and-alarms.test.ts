/**
 * Every golden stack's dashboard and alarms (the three examples and the coverage stacks):
 * a dashboard body CloudWatch takes, every backend and real server of its haproxy.cfg
 * watched, every metric one the nodes publish (lib/monitoring/metrics.ts, whose names the
 * metrics program's test holds), each alarm as an Exchange admin would be paged.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SOURCE_LINE_NAME } from "../../lib/instance/source-addresses";
import { DIMENSION, METRICS } from "../../lib/monitoring/metrics";
import { dashboardMetrics, dashboardProblems } from "../support/dashboard";
import { GOLDEN_DIR } from "../support/golden";
import { Json, resourcesOf } from "../support/synth";

/** A metric's name and its dimensions' names, in any order (Terraform's JSON sorts them). */
const identity = (name: string, dimensions: Record<string, string>) =>
  [name, ...Object.keys(dimensions).sort()].join(" ");

const PUBLISHED = new Set(
  Object.values(METRICS).map((m) =>
    identity(m.name, Object.fromEntries(m.dimensions.map((d) => [DIMENSION[d], ""]))),
  ),
);

const stacks = readdirSync(GOLDEN_DIR).map((name) => {
  const json = JSON.parse(readFileSync(join(GOLDEN_DIR, name, "cdk.tf.json"), "utf8"));
  const config = readFileSync(join(GOLDEN_DIR, name, "haproxy.cfg"), "utf8");
  const backends = [...config.matchAll(/^backend (\S+)\n((?:.+\n)*?)(?=\n|$)/gm)].map((m) => ({
    name: m[1],
    // A real server's source lines (SERVER:src2, ...) are watched as the server.
    servers: [...m[2].matchAll(/^ {4}server (\S+) /gm)]
      .map((s) => s[1])
      .filter((server) => !SOURCE_LINE_NAME.test(server)),
  }));
  const instances = resourcesOf(json, "aws_instance").length;
  return { name, json, backends, pair: instances === 2, fleet: instances === 0 };
});

describe.each(stacks)("$name", ({ json, backends, pair, fleet }) => {
  const [dashboard] = resourcesOf(json, "aws_cloudwatch_dashboard");
  const alarms: Json[] = resourcesOf(json, "aws_cloudwatch_metric_alarm");
  const ours = alarms.filter((a) => a.namespace === "ExchangeLoadBalancer");

  test("the dashboard is a body CloudWatch takes, of published metrics only", () => {
    expect(dashboardProblems(dashboard.dashboard_body)).toEqual([]);
    const lines = dashboardMetrics(dashboard.dashboard_body);
    for (const line of lines) {
      expect(PUBLISHED).toContain(identity(line.name, line.dimensions));
      expect(line.namespace).toBe("ExchangeLoadBalancer");
    }
    // Each backend's healthy servers, each of its servers' sessions.
    for (const backend of backends) {
      expect(lines).toContainEqual(
        expect.objectContaining({
          name: "HealthyServers",
          dimensions: expect.objectContaining({ Backend: backend.name }),
        }),
      );
      for (const server of backend.servers) {
        expect(lines).toContainEqual(
          expect.objectContaining({
            name: "CurrentSessions",
            dimensions: expect.objectContaining({ Backend: backend.name, Server: server }),
          }),
        );
      }
    }
  });

  test("alarms: nobody serving, a critical one per backend, a warning per real server, a pair's nodes and failover", () => {
    for (const alarm of ours)
      expect(PUBLISHED).toContain(identity(alarm.metric_name, alarm.dimensions));
    const named = (metric: string) => ours.filter((a) => a.metric_name === metric);
    expect(
      named("HealthyServers")
        .map((a) => a.dimensions.Backend)
        .sort(),
    ).toEqual(backends.map((b) => b.name).sort());
    for (const alarm of named("HealthyServers")) {
      expect(alarm).toMatchObject({
        alarm_name: expect.stringContaining("critical: no healthy server in"),
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        statistic: "Maximum",
        treat_missing_data: "notBreaching",
      });
    }
    const servers = [...new Set(backends.flatMap((b) => b.servers))].sort();
    expect(
      named("ServerDown")
        .map((a) => a.dimensions.Server)
        .sort(),
    ).toEqual(servers);
    // Nobody serving sends nothing: missing data is the alarm, critical, alone or a pair.
    expect(named("Serving")).toEqual([
      expect.objectContaining({
        alarm_name: expect.stringContaining("critical: no node serves the VIPs"),
        treat_missing_data: "breaching",
        statistic: "Maximum",
        comparison_operator: "LessThanThreshold",
        threshold: 1,
      }),
    ]);
    // A node of a pair gone: the other serves, a warning. Alone, Serving says it.
    const nodes = named("HaproxyUp");
    expect(nodes).toHaveLength(pair ? 2 : 0);
    for (const node of nodes) {
      expect(node).toMatchObject({
        alarm_name: expect.stringContaining("warning:"),
        treat_missing_data: "breaching",
        statistic: "Minimum",
      });
    }
    expect(named("Failovers")).toHaveLength(pair ? 1 : 0);
    // EC2 recovers each node whose system status check fails; a fleet's group replaces it.
    const recovery = alarms.filter((a) => a.metric_name === "StatusCheckFailed_System");
    expect(recovery).toHaveLength(pair ? 2 : fleet ? 0 : 1);
    for (const alarm of recovery) {
      expect(alarm.namespace).toBe("AWS/EC2");
      expect(alarm.alarm_actions[0]).toMatch(
        /^arn:\$\{data\.aws_partition\.[^}]+\}:automate:\$\{data\.aws_region\.[^}]+\}:ec2:recover$/,
      );
    }
    // Alarm names are unique in an account's region: each carries the load balancer's path.
    expect(new Set(alarms.map((a) => a.alarm_name)).size).toBe(alarms.length);
  });
});
