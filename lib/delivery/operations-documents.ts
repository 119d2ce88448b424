/**
 * The SSM Command documents an operator runs on every node of the load balancer: a real
 * server's state (the appliances' drain and halt, 004 §12; drop at drain time end, 002
 * §2.2.4) and the status of every real server. Pure: the on-instance program does the work.
 */
import { RealServerState } from "../exchange/real-server";
import { PATHS, SYSTEM_PATH } from "../instance/paths";

/** The longest drain `drainSeconds` accepts: a day. */
export const MAX_DRAIN_SECONDS = 86_400;
/** A real server's name as the VIPs' checks accept it (lib/vips/checks.ts). */
export const SERVER_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$";
/** 0 to 86400, so the step's timeout always outlasts the drain. */
export const DRAIN_SECONDS_PATTERN =
  "^([0-9]{1,4}|[1-7][0-9]{4}|8[0-5][0-9]{3}|86[0-3][0-9]{2}|86400)$";

/**
 * The program comes with the config document: a node that has not run it yet (minutes after its
 * launch) says so, rather than "not found".
 */
const INSTALLED =
  `[ -x ${PATHS.SERVER_STATE_PROGRAM} ] || { echo "this node has not run its config document ` +
  `yet (it installs ${PATHS.SERVER_STATE_PROGRAM} minutes after a launch): send this again ` +
  `once its association has run" >&2; exit 1; }`;

function commandDocument(
  description: string,
  parameters: Record<string, unknown>,
  step: string,
  timeoutSeconds: number,
  command: string,
): string {
  return JSON.stringify(
    {
      schemaVersion: "2.2",
      description,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: step,
          inputs: {
            timeoutSeconds: String(timeoutSeconds),
            runCommand: ["set -eu", `export PATH=${SYSTEM_PATH}`, INSTALLED, command],
          },
        },
      ],
    },
    null,
    2,
  );
}

/** `SetServerState`: server, state, drain seconds; the same on every node it is sent to. */
export function renderSetServerStateDocument(loadBalancer: string): string {
  return commandDocument(
    `Exchange load balancer ${loadBalancer}: sets a real server's state in every VIP on this node. ` +
      "ready: in service. drain: no new connections (clients held by a persistence table go " +
      "elsewhere); established sessions carry on, and with drainSeconds those left at the end " +
      "are shut. maintenance: no traffic at all. The stricter of this and the server's state in " +
      "code applies. Kept across reloads, rollouts, reboots and failovers; send it to every node.",
    {
      server: {
        type: "String",
        description: "The real server's name as the VIPs give it, e.g. CAS1.",
        allowedPattern: SERVER_NAME_PATTERN,
      },
      state: {
        type: "String",
        description: "ready, drain or maintenance.",
        allowedValues: Object.values(RealServerState),
      },
      drainSeconds: {
        type: "String",
        description:
          "drain only: wait up to this long for the server's sessions to end, then shut those " +
          `left (0: do not wait, sessions carry on). At most ${MAX_DRAIN_SECONDS}.`,
        default: "0",
        allowedPattern: DRAIN_SECONDS_PATTERN,
      },
    },
    "setServerState",
    MAX_DRAIN_SECONDS + 120,
    `${PATHS.SERVER_STATE_PROGRAM} set '{{ server }}' '{{ state }}' '{{ drainSeconds }}'`,
  );
}

/** `ServerStatus`: each VIP's backends with each real server's state, sessions and last check. */
export function renderServerStatusDocument(loadBalancer: string): string {
  return commandDocument(
    `Exchange load balancer ${loadBalancer}: every real server of every VIP on this node: ` +
      "its state (ready, drain, maintenance), health, sessions now and in all, and last check.",
    {},
    "serverStatus",
    60,
    `${PATHS.SERVER_STATE_PROGRAM} status`,
  );
}
