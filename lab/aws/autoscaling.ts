/**
 * EC2 Auto Scaling's query API (form-encoded POST to autoscaling.<region>, XML answers, API
 * version 2011-01-01) for the one call a fleet node makes, CompleteLifecycleAction. Authorized
 * as IAM does it: on the group's ARN, whose id is a UUID AWS assigns (Service Authorization
 * Reference, Amazon EC2 Auto Scaling). Answered as Auto Scaling does: a launch must be pending
 * for that instance in that group and hook ("No active Lifecycle Action found", a
 * ValidationError, otherwise). The pending launches are the test's; completions are kept.
 */
import { arnOf } from "./authorizer";
import { Reply, ServiceError, queryErrorReply } from "./replies";
import type { Service, ServiceCall } from "./service";

const XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** The id AWS would have given the group. */
export const GROUP_ID = "6d3c2a1e-5b4f-4c1d-9e8a-0a1b2c3d4e5f";

/** A node in Pending:Wait: launched, its lifecycle action not completed. */
export interface PendingLaunch {
  readonly group: string;
  readonly hook: string;
  readonly instanceId: string;
}

export interface Completion extends PendingLaunch {
  readonly result: string;
  /** The instance whose role called. */
  readonly caller?: string;
}

export function autoScalingService(pending: PendingLaunch[], completed: Completion[]): Service {
  return {
    name: "autoscaling",
    protocol: "query",
    anonymous: false,
    refuse: (reason) => new ServiceError("AccessDenied", reason, 403),
    error: (error: ServiceError, id: string): Reply => queryErrorReply(XMLNS, error, id),
    handle(call: ServiceCall): Reply {
      const params = new URLSearchParams(call.request.body.toString("utf8"));
      const action = params.get("Action") ?? "";
      call.named(`autoscaling:${action}`);
      if (action !== "CompleteLifecycleAction") {
        throw new ServiceError("InvalidAction", `Could not find operation ${action}`);
      }
      const get = (name: string) => {
        const value = params.get(name);
        if (!value) throw new ServiceError("ValidationError", `${name} is required`);
        return value;
      };
      const group = get("AutoScalingGroupName");
      const hook = get("LifecycleHookName");
      const result = get("LifecycleActionResult");
      const instanceId = get("InstanceId");
      const resource = `autoScalingGroup:${GROUP_ID}:autoScalingGroupName/${group}`;
      call.authorize("autoscaling:CompleteLifecycleAction", [
        arnOf(call.lab, "autoscaling", resource),
      ]);
      if (result !== "CONTINUE" && result !== "ABANDON") {
        throw new ServiceError("ValidationError", `LifecycleActionResult ${result} is not valid`);
      }
      const at = pending.findIndex(
        (p) => p.group === group && p.hook === hook && p.instanceId === instanceId,
      );
      if (at < 0) {
        throw new ServiceError(
          "ValidationError",
          `No active Lifecycle Action found with instance ID ${instanceId}`,
        );
      }
      const [launch] = pending.splice(at, 1);
      completed.push({ ...launch, result, caller: call.caller?.instanceId });
      return {
        status: 200,
        headers: { "content-type": "text/xml", "x-amzn-requestid": call.requestId },
        body: `${XML}<CompleteLifecycleActionResponse xmlns="${XMLNS}"><CompleteLifecycleActionResult/><ResponseMetadata><RequestId>${call.requestId}</RequestId></ResponseMetadata></CompleteLifecycleActionResponse>`,
      };
    },
  };
}
