/**
 * CloudWatch's query API (form-encoded POST to monitoring.<region>, XML answers: the AWS
 * CLI of Debian 12 and 13 speaks this protocol to CloudWatch) for the one call the metrics
 * program makes, PutMetricData. It is authorized as IAM does it: the action has no resource
 * type (Resource "*") and the condition key cloudwatch:namespace (Service Authorization
 * Reference, Amazon CloudWatch). Checked as CloudWatch checks them: a namespace, not AWS/;
 * at most 1,000 values a call, 30 dimensions a value; a unit CloudWatch knows. What is
 * accepted is kept, for the tests and the lab to read.
 */
import { Reply, ServiceError, queryErrorReply } from "./replies";
import type { Service, ServiceCall } from "./service";

const XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** CloudWatch API Reference, MetricDatum: Unit. */
const UNITS = new Set(
  "Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None".split(
    " ",
  ),
);

export interface Datum {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit?: string;
  readonly timestamp?: string;
}

/** One accepted PutMetricData call. */
export interface MetricPut {
  readonly time: number;
  readonly namespace: string;
  /** The instance whose role called. */
  readonly instanceId?: string;
  readonly data: readonly Datum[];
}

const invalid = (message: string) => new ServiceError("InvalidParameterValue", message);

/** `Prefix.member.N...` indexes, in order. */
function indexes(params: URLSearchParams, prefix: string): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.member\\.(\\d+)\\.`);
  for (const key of params.keys()) {
    const match = pattern.exec(key);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function datum(params: URLSearchParams, prefix: string): Datum {
  const get = (name: string) => params.get(`${prefix}.${name}`) ?? undefined;
  const metricName = get("MetricName");
  if (!metricName) throw new ServiceError("MissingParameter", `${prefix}.MetricName is missing`);
  const dims = indexes(params, `${prefix}.Dimensions`);
  if (dims.length > 30) throw invalid(`${prefix}: at most 30 dimensions`);
  const dimensions = Object.fromEntries(
    dims.map((i) => [
      params.get(`${prefix}.Dimensions.member.${i}.Name`) ?? "",
      params.get(`${prefix}.Dimensions.member.${i}.Value`) ?? "",
    ]),
  );
  const raw = get("Value");
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value))
    throw invalid(`${prefix}.Value "${raw}" is not a number`);
  const unit = get("Unit");
  if (unit !== undefined && !UNITS.has(unit))
    throw invalid(`${prefix}.Unit "${unit}" is not a unit`);
  return { metricName, dimensions, value, unit, timestamp: get("Timestamp") };
}

export function cloudWatchService(puts: MetricPut[]): Service {
  return {
    name: "monitoring",
    protocol: "query",
    anonymous: false,
    // An action without a resource type: AWS's message names no resource.
    refuse: (reason) =>
      new ServiceError("AccessDenied", reason.replace(" on resource: *", ""), 403),
    error: (error: ServiceError, id: string): Reply => queryErrorReply(XMLNS, error, id),
    handle(call: ServiceCall): Reply {
      const params = new URLSearchParams(call.request.body.toString("utf8"));
      const action = params.get("Action") ?? "";
      call.named(`cloudwatch:${action}`);
      if (action !== "PutMetricData") {
        throw new ServiceError(
          "InvalidAction",
          `Could not find operation ${action} for version 2010-08-01`,
        );
      }
      const namespace = params.get("Namespace");
      if (!namespace)
        throw new ServiceError("MissingParameter", "The parameter Namespace is required.");
      call.authorize("cloudwatch:PutMetricData", ["*"], { "cloudwatch:namespace": namespace });
      if (namespace.startsWith("AWS/"))
        throw invalid("The value AWS/ for parameter Namespace is invalid.");
      const members = indexes(params, "MetricData");
      if (members.length === 0)
        throw new ServiceError("MissingParameter", "The parameter MetricData is required.");
      if (members.length > 1000)
        throw invalid("The collection MetricData must not have a size greater than 1000.");
      const data = members.map((i) => datum(params, `MetricData.member.${i}`));
      puts.push({ time: Date.now(), namespace, instanceId: call.caller?.instanceId, data });
      return {
        status: 200,
        headers: { "content-type": "text/xml", "x-amzn-requestid": call.requestId },
        body: `${XML}<PutMetricDataResponse xmlns="${XMLNS}"><ResponseMetadata><RequestId>${call.requestId}</RequestId></ResponseMetadata></PutMetricDataResponse>`,
      };
    },
  };
}
