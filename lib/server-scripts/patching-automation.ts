/**
 * The patching runbook (004 §12): an SSM Automation document that takes a real server out of
 * service on the load balancer before Exchange's own maintenance mode, and back in after it.
 * Enter: SetServerState drain on every node (tag ExchangeLoadBalancer=<path>), which waits for
 * the server's sessions or the drain time and shuts those left; then maintenance on the load
 * balancer (002 §2.2.4: halted, no health check, so the patching does not read as a server
 * down); then the Exchange-side Maintenance document with Mode On on the Exchange server.
 * Exit: Maintenance Off, then ready (the health check decides when traffic returns).
 * Pure: the documents' names come in.
 */
import { DRAIN_SECONDS_PATTERN, SERVER_NAME_PATTERN } from "../delivery/operations-documents";

export interface PatchingAutomation {
  readonly loadBalancer: string;
  /** The tag every node carries and its value. */
  readonly nodesTag: { readonly key: string; readonly value: string };
  readonly setServerStateDocument: string;
  readonly maintenanceDocument: string;
}

/** A managed node: an EC2 instance, or a hybrid node (on-premises Exchange, `mi-`). */
const MANAGED_NODE_PATTERN = "^(i|mi)-[0-9a-f]{8,17}$";
/** The Automation service role a user may give, or none (the caller's own permissions). */
const ROLE_PATTERN = "^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+)?$";
/** The drain step's own limit: the longest drain, then time to shut what is left. */
const DRAIN_STEP_TIMEOUT = 86_400 + 600;
/**
 * How long a node may take to receive a command (aws:runCommand TimeoutSeconds is delivery,
 * not execution): a node that is stopped or lost fails the step in 10 minutes, before
 * Exchange's maintenance runs, instead of leaving it pending for a day.
 */
const DELIVERY_TIMEOUT = 600;

/** What the runbook asks for, each checked by SSM before anything runs. */
const PARAMETERS = {
  Server: {
    type: "String",
    description: "The real server's name as the load balancer's VIPs give it, e.g. CAS1.",
    allowedPattern: SERVER_NAME_PATTERN,
  },
  ExchangeInstanceId: {
    type: "String",
    description: "That server's managed node id (i-... on EC2, mi-... on premises).",
    allowedPattern: MANAGED_NODE_PATTERN,
  },
  Mode: {
    type: "String",
    description: "Enter (before patching) or Exit (after).",
    allowedValues: ["Enter", "Exit"],
  },
  DrainSeconds: {
    type: "String",
    description: "Enter: the longest wait for the server's sessions before they are shut.",
    default: "600",
    allowedPattern: DRAIN_SECONDS_PATTERN,
  },
  AutomationAssumeRole: {
    type: "String",
    description:
      "A role Automation assumes (ssm:SendCommand on both documents and their targets); none: yours.",
    default: "",
    allowedPattern: ROLE_PATTERN,
  },
};

export function renderPatchingAutomation(p: PatchingAutomation): string {
  return JSON.stringify(
    {
      schemaVersion: "0.3",
      description: `Exchange load balancer ${p.loadBalancer}: patch one Exchange server without cutting users. Enter: drain it on every node of the load balancer (its sessions end or the drain time shuts them), halt it there (maintenance), then Exchange's maintenance mode on it. Exit: Exchange's maintenance mode off, then back in service on the load balancer once its health check passes. Give the instance id of the server named: the runbook cannot tell them apart.`,
      assumeRole: "{{ AutomationAssumeRole }}",
      parameters: PARAMETERS,
      mainSteps: steps(p),
    },
    null,
    2,
  );
}

type Next = { readonly nextStep: string } | { readonly isEnd: true };

/** A step that sets the server's state on every node (the tag every node carries). */
function onLoadBalancer(
  p: PatchingAutomation,
  name: string,
  parameters: Readonly<Record<string, string>>,
  next: Next,
): object {
  return {
    name,
    action: "aws:runCommand",
    ...(parameters.state === "drain" ? { timeoutSeconds: DRAIN_STEP_TIMEOUT } : {}),
    inputs: {
      DocumentName: p.setServerStateDocument,
      Targets: [{ Key: `tag:${p.nodesTag.key}`, Values: [p.nodesTag.value] }],
      Parameters: { server: "{{ Server }}", ...parameters },
      TimeoutSeconds: DELIVERY_TIMEOUT,
    },
    ...next,
  };
}

/** A step that runs Exchange's Maintenance document on the Exchange server. */
function onExchange(p: PatchingAutomation, name: string, mode: "On" | "Off", next: Next): object {
  return {
    name,
    action: "aws:runCommand",
    inputs: {
      DocumentName: p.maintenanceDocument,
      InstanceIds: ["{{ ExchangeInstanceId }}"],
      Parameters: { Mode: mode },
    },
    ...next,
  };
}

function steps(p: PatchingAutomation): object[] {
  return [
    {
      name: "chooseMode",
      action: "aws:branch",
      inputs: {
        Choices: [
          { NextStep: "drainOnLoadBalancer", Variable: "{{ Mode }}", StringEquals: "Enter" },
          { NextStep: "maintenanceOff", Variable: "{{ Mode }}", StringEquals: "Exit" },
        ],
      },
    },
    onLoadBalancer(
      p,
      "drainOnLoadBalancer",
      { state: "drain", drainSeconds: "{{ DrainSeconds }}" },
      { nextStep: "haltOnLoadBalancer" },
    ),
    onLoadBalancer(
      p,
      "haltOnLoadBalancer",
      { state: "maintenance" },
      { nextStep: "maintenanceOn" },
    ),
    onExchange(p, "maintenanceOn", "On", { isEnd: true }),
    onExchange(p, "maintenanceOff", "Off", { nextStep: "readyOnLoadBalancer" }),
    onLoadBalancer(p, "readyOnLoadBalancer", { state: "ready" }, { isEnd: true }),
  ];
}
