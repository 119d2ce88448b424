/**
 * HAProxy's logs in CloudWatch Logs (monitoring.logs): the group, with its retention, and the
 * instance role's right to write a stream of it, no other group. The nodes' logs program
 * (lib/instance/files/exchange-lb-logs) ships the journal's HAProxy lines, a stream a node.
 */
import { CloudwatchLogGroup, Construct, IamRolePolicy } from "../framework";
import { LogsSettings } from "../monitoring/settings";
import type { InstanceRole } from "./instance-role";
import { NAME_PREFIX } from "./names";

export class HaproxyLogs extends Construct {
  constructor(scope: Construct, id: string, role: InstanceRole, logs: LogsSettings) {
    super(scope, id);
    const group = new CloudwatchLogGroup(this, "Group", {
      name: logs.group,
      retentionInDays: logs.retentionDays,
    });
    new IamRolePolicy(this, "Policy", {
      namePrefix: `${NAME_PREFIX}logs-`,
      role: role.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ShipHaproxysLogsToItsGroup",
            Effect: "Allow",
            // Both are authorized on the stream's ARN (Service Authorization Reference, Amazon
            // CloudWatch Logs); the provider's group ARN has no ":*".
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${group.arn}:log-stream:*`,
          },
        ],
      }),
    });
  }
}
