/**
 * CloudWatch Logs (JSON 1.1 protocol, `X-Amz-Target: Logs_20140328.<operation>`) for the two
 * calls the logs program makes: CreateLogStream and PutLogEvents, each authorized on the
 * stream's ARN, `arn:<partition>:logs:<region>:<account>:log-group:<group>:log-stream:<stream>`
 * (Service Authorization Reference, Amazon CloudWatch Logs). Checked as CloudWatch Logs checks
 * them (API Reference, PutLogEvents): the group and the stream exist; a batch holds 1 to
 * 10,000 events, at most 1,048,576 bytes (each message's UTF-8 bytes and 26), in
 * chronological order, spanning at most 24 hours; events older than 14 days or more than 2
 * hours ahead are rejected (the call succeeds and says which). Groups exist when the lab says
 * so, as Terraform would have created them; what is accepted is kept for the tests to read.
 */
import { arnOf, jsonRefusal } from "./authorizer";
import { Reply, ServiceError, jsonError, jsonReply } from "./replies";
import type { Service, ServiceCall } from "./service";

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** Group name -> stream name -> the events accepted, in order. */
export type LogGroups = Map<string, Map<string, LogEvent[]>>;

const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const DAY_MS = 24 * 3600_000;

const invalid = (message: string) => new ServiceError("InvalidParameterException", message);

function body(call: ServiceCall): Record<string, unknown> {
  try {
    return JSON.parse(call.request.body.toString("utf8") || "{}");
  } catch {
    throw new ServiceError("SerializationException", "Unexpected character in the request.");
  }
}

function names(call: ServiceCall): { group: string; stream: string; arn: string } {
  const { logGroupName, logStreamName } = body(call);
  const group = String(logGroupName ?? "");
  const stream = String(logStreamName ?? "");
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group))
    throw invalid(`1 validation error detected: Value '${group}' at 'logGroupName'`);
  if (stream.length < 1 || stream.length > 512 || /[:*]/.test(stream))
    throw invalid(`1 validation error detected: Value '${stream}' at 'logStreamName'`);
  return { group, stream, arn: arnOf(call.lab, "logs", `log-group:${group}:log-stream:${stream}`) };
}

function events(call: ServiceCall): LogEvent[] {
  const given = body(call).logEvents;
  if (!Array.isArray(given) || given.length === 0)
    throw invalid("1 validation error detected: Value null at 'logEvents'");
  if (given.length > MAX_EVENTS)
    throw invalid(`Value at 'logEvents' failed to satisfy constraint: size <= ${MAX_EVENTS}`);
  const parsed = given.map((e: { timestamp?: unknown; message?: unknown }) => {
    if (!Number.isInteger(e.timestamp) || typeof e.message !== "string" || e.message === "")
      throw invalid("Each log event needs a timestamp and a non-empty message.");
    return { timestamp: e.timestamp as number, message: e.message };
  });
  const bytes = parsed.reduce((n, e) => n + Buffer.byteLength(e.message) + EVENT_OVERHEAD, 0);
  if (bytes > MAX_BYTES) throw invalid(`Upload too large: ${bytes} bytes exceeds ${MAX_BYTES}`);
  if (parsed.some((e, i) => i > 0 && e.timestamp < parsed[i - 1].timestamp))
    throw invalid("Log events in a single PutLogEvents request must be in chronological order.");
  if (parsed.at(-1)!.timestamp - parsed[0].timestamp > DAY_MS)
    throw invalid(
      "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    );
  return parsed;
}

export function logsService(groups: LogGroups): Service {
  const streamsOf = (group: string) => {
    const streams = groups.get(group);
    if (!streams)
      throw new ServiceError(
        "ResourceNotFoundException",
        "The specified log group does not exist.",
      );
    return streams;
  };
  return {
    name: "logs",
    protocol: "json",
    anonymous: false,
    refuse: jsonRefusal,
    error: jsonError,
    handle(call: ServiceCall): Reply {
      const operation = String(call.request.headers["x-amz-target"] ?? "").replace(
        /^Logs_20140328\./,
        "",
      );
      call.named(`logs:${operation}`);
      if (operation === "CreateLogStream") {
        const { group, stream, arn } = names(call);
        call.authorize("logs:CreateLogStream", [arn]);
        const streams = streamsOf(group);
        if (streams.has(stream))
          throw new ServiceError(
            "ResourceAlreadyExistsException",
            "The specified log stream already exists",
          );
        streams.set(stream, []);
        return jsonReply({}, call.requestId);
      }
      if (operation === "PutLogEvents") {
        const { group, stream, arn } = names(call);
        call.authorize("logs:PutLogEvents", [arn]);
        const kept = streamsOf(group).get(stream);
        if (!kept)
          throw new ServiceError(
            "ResourceNotFoundException",
            "The specified log stream does not exist.",
          );
        const batch = events(call);
        const now = Date.now();
        const tooOld = batch.filter((e) => e.timestamp < now - 14 * DAY_MS).length;
        const tooNew = batch.findIndex((e) => e.timestamp > now + 2 * 3600_000);
        const accepted = batch.slice(tooOld, tooNew < 0 ? undefined : tooNew);
        kept.push(...accepted);
        const rejected = {
          ...(tooOld > 0 ? { tooOldLogEventEndIndex: tooOld } : {}),
          ...(tooNew >= 0 ? { tooNewLogEventStartIndex: tooNew } : {}),
        };
        return jsonReply(
          {
            nextSequenceToken: String(kept.length).padStart(56, "0"),
            ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
          },
          call.requestId,
        );
      }
      throw new ServiceError(
        "UnknownOperationException",
        `the lab's CloudWatch Logs does not implement ${operation}`,
      );
    },
  };
}
