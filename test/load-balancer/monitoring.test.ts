/**
 * The monitoring props: what each turns on and off, the instance role's one metrics
 * statement, the SNS topic on every alarm, the alarms a VIP brings whenever it is added,
 * the endpoint private subnets need, and the refusals. The metrics program itself is
 * proven against real HAProxy and the CloudWatch stand-in (test/lab-aws/metrics-program.test.ts).
 */
import { CasHttpsVip, Duration, ExchangeVersion, ImapVip, SmtpVip } from "../../lib";
import { DOCUMENT_FILES } from "../../lib/delivery/bundle";
import { STAGED } from "../../lib/instance/paths";
import type { MonitoringProps } from "../../lib/load-balancer/monitoring-props";
import { stagedFiles } from "../support/golden";
import { Json, PAIR_PROPS, fixture, resourcesOf, rolePolicy, synthJson } from "../support/synth";

const TOPIC = "arn:aws:sns:eu-west-2:123456789012:exchange-alerts";

function synth(monitoring?: MonitoringProps, more: Parameters<typeof fixture>[0] = {}) {
  const { lb, stack } = fixture({ monitoring, ...more });
  new ImapVip(lb, "CasImap");
  const json = synthJson(stack);
  const document = resourcesOf(json, "aws_ssm_document").find((d: Json) =>
    d.name.endsWith("-config"),
  );
  return {
    json,
    alarms: resourcesOf(json, "aws_cloudwatch_metric_alarm"),
    dashboards: resourcesOf(json, "aws_cloudwatch_dashboard"),
    document: String(document.content),
  };
}

test("by default: metrics, their policy, alarms, a dashboard, recovery; the document carries the publisher", () => {
  const { json, alarms, dashboards, document } = synth();
  expect(rolePolicy(json, "metrics")).toEqual({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PutTheLoadBalancersMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "ExchangeLoadBalancer" } },
      },
    ],
  });
  expect(alarms.map((a: Json) => a.alarm_name).sort()).toEqual([
    "test/Lb critical: no healthy server in CasImap",
    "test/Lb critical: no node serves the VIPs",
    "test/Lb warning: CAS1 fails its health check",
    "test/Lb warning: CAS2 fails its health check",
    "test/Lb warning: instance system status check failed",
  ]);
  for (const alarm of alarms) {
    expect(alarm).toMatchObject({ period: 60 });
    expect(alarm.alarm_actions ?? []).not.toContain(TOPIC);
  }
  expect(dashboards).toHaveLength(1);
  expect(dashboards[0].dashboard_name).toBe("exchange-lb-test-Lb");
  const commands: string[] = JSON.parse(document).mainSteps[0].inputs.runCommand;
  for (const file of DOCUMENT_FILES)
    expect(commands.join("\n")).toContain(`> "$stage/${STAGED[file.staged]}"`);
  expect(DOCUMENT_FILES.map((f) => f.key)).toEqual([
    "installProgram",
    "monitoringSettings",
    "serverStateProgram",
    "metricsProgram",
    "metricsService",
    "logsProgram",
    "logsService",
  ]);
  // HAProxy's logs stay in the journal unless asked: no group, no right to one.
  expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual([]);
  expect(rolePolicy(json, "logs")).toBeUndefined();
  expect(settingsOf(document)).toContain('LOGS_PUBLISH="no"');
});

/** The monitoring programs' settings the config document delivers. */
const settingsOf = (document: string) =>
  new Map(stagedFiles(document)).get(STAGED.STAGED_MONITORING_SETTINGS) ?? "";

test("logs: a group with its retention, the role may write its streams only, the shipper told where", () => {
  const { json, document } = synth({ logs: true });
  const groups = resourcesOf(json, "aws_cloudwatch_log_group");
  expect(groups).toEqual([
    expect.objectContaining({ name: "/exchange-lb/test/Lb", retention_in_days: 30 }),
  ]);
  const group = Object.keys(json.resource.aws_cloudwatch_log_group)[0];
  expect(rolePolicy(json, "logs")).toEqual({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ShipHaproxysLogsToItsGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `\${aws_cloudwatch_log_group.${group}.arn}:log-stream:*`,
      },
    ],
  });
  const settings = settingsOf(document);
  expect(settings).toContain('LOGS_PUBLISH="yes"');
  expect(settings).toContain('LOGS_GROUP="/exchange-lb/test/Lb"');
  const days = synth({ logs: true, logRetentionDays: 365 }).json;
  expect(resourcesOf(days, "aws_cloudwatch_log_group")[0].retention_in_days).toBe(365);
});

test("the SNS topic hears every alarm and its return to OK; the period is the alarms' too", () => {
  const { alarms } = synth({ alarmTopicArn: TOPIC, period: Duration.minutes(5) });
  for (const alarm of alarms) {
    expect(alarm.alarm_actions).toContain(TOPIC);
    expect(alarm.ok_actions).toEqual([TOPIC]);
  }
  const ours = alarms.filter((a: Json) => a.namespace === "ExchangeLoadBalancer");
  for (const alarm of ours) expect(alarm.period).toBe(300);
});

test("each off: no alarms, no dashboard, no recovery; metrics off: nothing, the publisher told to stop", () => {
  expect(synth({ alarms: false }).alarms.map((a: Json) => a.metric_name)).toEqual([
    "StatusCheckFailed_System",
  ]);
  expect(synth({ dashboard: false }).dashboards).toEqual([]);
  expect(synth({ recoverInstances: false }).alarms.map((a: Json) => a.metric_name)).not.toContain(
    "StatusCheckFailed_System",
  );
  // Alarms and the dashboard follow the metrics unless given.
  const off = synth({ metrics: false, recoverInstances: false });
  expect(off.alarms).toEqual([]);
  expect(off.dashboards).toEqual([]);
  expect(rolePolicy(off.json, "metrics")).toBeUndefined();
});

test("the alarms follow the VIPs whenever they are added, ids from values", () => {
  const build = (order: "imap-first" | "smtp-first") => {
    const { lb, stack } = fixture({
      exchangeVersion: ExchangeVersion.EXCHANGE_2016,
      ...PAIR_PROPS,
    });
    if (order === "imap-first") new ImapVip(lb, "CasImap");
    new SmtpVip(lb, "Smtp");
    if (order === "smtp-first") new ImapVip(lb, "CasImap");
    new CasHttpsVip(lb, "CasHttps");
    return resourcesOf(synthJson(stack), "aws_cloudwatch_metric_alarm")
      .map((a: Json) => a.alarm_name)
      .sort();
  };
  const names = build("imap-first");
  expect(names).toEqual(build("smtp-first"));
  expect(names).toEqual(
    expect.arrayContaining([
      "test/Lb critical: no healthy server in CasHttps",
      "test/Lb critical: no healthy server in Smtp",
      "test/Lb warning: node 192.168.30.5 not reporting",
      "test/Lb warning: node 192.168.30.6 not reporting",
      "test/Lb warning: pair failover",
    ]),
  );
});

test("private subnets get CloudWatch's endpoint while metrics are on, CloudWatch Logs' with logs", () => {
  const endpoints = (monitoring?: MonitoringProps) =>
    resourcesOf(
      synth(monitoring, { vpcEndpoints: { subnetIds: ["subnet-0e1"] } }).json,
      "aws_vpc_endpoint",
    ).map((e: Json) => String(e.service_name).split(".").at(-1));
  expect(endpoints()).toContain("monitoring");
  expect(endpoints({ metrics: false, alarms: false, dashboard: false })).not.toContain(
    "monitoring",
  );
  expect(endpoints()).not.toContain("logs");
  expect(endpoints({ logs: true })).toContain("logs");
});

test.each([
  [{ namespace: "AWS/EC2" }, 'monitoring.namespace "AWS/EC2" is not a namespace CloudWatch takes'],
  [{ namespace: "has space" }, "is not a namespace CloudWatch takes"],
  [
    { period: Duration.seconds(90) },
    "monitoring.period is 90 seconds, not whole minutes up to an hour",
  ],
  [{ period: Duration.hours(2) }, "not whole minutes up to an hour"],
  [
    { metrics: false, alarms: true },
    "monitoring.alarms needs the metrics, which monitoring.metrics turns off",
  ],
  [{ metrics: false, dashboard: true }, "monitoring.dashboard needs the metrics"],
  [
    { logs: true, logRetentionDays: 45 },
    "monitoring.logRetentionDays 45 is not a retention CloudWatch Logs takes",
  ],
  [{ logRetentionDays: 30 }, "monitoring.logRetentionDays is for the log group"],
  [
    { alarmTopicArn: "exchange-alerts" },
    'monitoring.alarmTopicArn "exchange-alerts" is not an SNS topic ARN',
  ],
] as const)("%j is refused", (monitoring, message) => {
  expect(() => fixture({ monitoring })).toThrow(message);
});
