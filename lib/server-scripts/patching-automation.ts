/**
 * The patching runbook (004 §12): an SSM Automation document that takes a real server out of
 * service on the load balancer before Exchange's own maintenance mode, and back in after it.
 * Enter: SetServerState drain on every node (tag ExchangeLoadBalancer=<path>), which waits for
 * the server's sessions or the drain time and shuts those left; then the Exchange-side
 * Maintenance document with Mode On on the Exchange server. Exit: Maintenance Off, then ready.
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
      description: `Exchange load balancer ${p.loadBalancer}: patch one Exchange server without cutting users. Enter: drain it on every node of the load balancer (its sessions end or the drain time shuts them), then Exchange's maintenance mode on it. Exit: maintenance off, then back in service on the load balancer.`,
      assumeRole: "{{ AutomationAssumeRole }}",
      parameters: PARAMETERS,
      mainSteps: steps(p),
    },
    null,
    2,
  );
}

function steps(p: PatchingAutomation): object[] {
  const nodes = { Targets: [{ Key: `tag:${p.nodesTag.key}`, Values: [p.nodesTag.value] }] };
  const onExchange = (mode: "On" | "Off") => ({
    DocumentName: p.maintenanceDocument,
    InstanceIds: ["{{ ExchangeInstanceId }}"],
    Parameters: { Mode: mode },
  });
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
    {
      name: "drainOnLoadBalancer",
      action: "aws:runCommand",
      timeoutSeconds: DRAIN_STEP_TIMEOUT,
      inputs: {
        DocumentName: p.setServerStateDocument,
        ...nodes,
        Parameters: { server: "{{ Server }}", state: "drain", drainSeconds: "{{ DrainSeconds }}" },
        TimeoutSeconds: DRAIN_STEP_TIMEOUT,
      },
      nextStep: "maintenanceOn",
    },
    { name: "maintenanceOn", action: "aws:runCommand", inputs: onExchange("On"), isEnd: true },
    {
      name: "maintenanceOff",
      action: "aws:runCommand",
      inputs: onExchange("Off"),
      nextStep: "readyOnLoadBalancer",
    },
    {
      name: "readyOnLoadBalancer",
      action: "aws:runCommand",
      inputs: {
        DocumentName: p.setServerStateDocument,
        ...nodes,
        Parameters: { server: "{{ Server }}", state: "ready" },
      },
      isEnd: true,
    },
  ];
}
