/**
 * Stand-ins for the AWS side a node talks to, since the lab cannot reach AWS:
 * a fake IMDSv2 on 169.254.169.254 inside the node and a fake `aws` on its
 * PATH that records each call. The scripts the instance runs use them
 * unchanged: the failover script and the certificate fetch.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IMDS_ENDPOINT } from "../lib/instance/base";
import { PATHS, SYSTEM_PATH } from "../lib/instance/paths";
import { LAB_BIN, LabNode, inNode, nodePath, writeNodeFile } from "./node";
import { releasePath } from "./release";
import { LAB_DIR, startDetached } from "./servers";
import { inNs, sh } from "./shell";

const IMDS = new URL(IMDS_ENDPOINT).hostname;
const FAKE_IMDS = join(__dirname, "tools", "fake-imds.js");
/** Where the lab keeps the certificate bundle the fake SSM and Secrets Manager return. */
const LAB_BUNDLE = `${PATHS.CERTIFICATE_DIR}/lab-bundle.pem`;
/** The fake `aws` records its calls here: `<epoch seconds> <arguments>` a line. */
export const AWS_CALLS = `${PATHS.RUN_DIR}/aws-calls.log`;
/** And each `cloudwatch put-metric-data`'s data: `<epoch seconds> <the JSON array>` a line. */
export const AWS_METRICS = `${PATHS.RUN_DIR}/aws-metrics.log`;
/**
 * Records every AWS CLI call, with a timestamp, in the node's /run, and
 * succeeds; reading a certificate parameter or secret returns the lab's bundle.
 */
const FAKE_AWS = [
  "#!/bin/sh",
  "# Lab stand-in for the AWS CLI: records the call, succeeds.",
  `mkdir -p ${PATHS.RUN_DIR}`,
  `echo "$(date +%s.%N) $*" >> ${AWS_CALLS}`,
  'case "$*" in',
  `  *"ssm get-parameter"*|*"secretsmanager get-secret-value"*) cat ${LAB_BUNDLE} ;;`,
  '  *"cloudwatch put-metric-data"*)',
  '    for arg in "$@"; do',
  '      case "$arg" in',
  `        file://*) { printf '%s ' "$(date +%s.%N)"; tr -d '\\n' <"\${arg#file://}"; echo; } >>${AWS_METRICS} ;;`,
  "      esac",
  "    done",
  "    ;;",
  "esac",
  "",
].join("\n");

/** The fake `aws` and IMDSv2 in a node, and the lab's certificate bundle behind the fake stores. */
/**
 * @param secondaryIps the instance's secondary private IPs as EC2 assigns them at launch (a
 * single instance's VIPs, a node's source addresses): IMDS lists them after the primary.
 * @param fleetNode a fleet node's IMDS: its launch template's user-data, off port 80.
 */
export function startAwsStandIns(
  node: LabNode,
  secondaryIps: readonly string[] = [],
  fleetNode?: FleetNodeImds,
): void {
  writeNodeFile(node, `${LAB_BIN}/aws`, FAKE_AWS, 0o755);
  const tls = join(LAB_DIR, "tls");
  writeNodeFile(
    node,
    LAB_BUNDLE,
    readFileSync(join(tls, "cert.pem"), "utf8") + readFileSync(join(tls, "key.pem"), "utf8"),
    0o600,
  );
  stopFakeImds(node);
  startFakeImds(node, secondaryIps, fleetNode);
  // Bounded wait until it answers: the scripts that follow ask it first.
  const token = [
    "curl",
    "-sf",
    "-m",
    "1",
    "-X",
    "PUT",
    "-H",
    "X-aws-ec2-metadata-token-ttl-seconds: 10",
  ];
  for (let attempt = 0; ; attempt++) {
    const answer = inNs(node.ns, [...token, `http://${IMDS}/latest/api/token`], {
      allowFailure: true,
    });
    if (answer.status === 0) return;
    if (attempt >= 50) throw new Error(`the fake IMDS in ${node.ns} did not answer`);
    sh(["sleep", "0.1"]);
  }
}

/**
 * Runs the synthesized certificate fetch in the node, as the boot does, with
 * systemd's bare PATH; a no-op when no VIP terminates TLS.
 */
export function fetchCertificates(node: LabNode): void {
  const list = nodePath(node, PATHS.CERTIFICATE_LIST);
  if (readFileSync(list, "utf8").trim() === "") return;
  inNode(node, ["env", "-i", `PATH=${releasePath(SYSTEM_PATH)}`, PATHS.CERTIFICATES_PROGRAM]);
}

/**
 * A fleet node's IMDS: the launch template's user-data at /latest/user-data (base64, as the
 * template holds it). Off port 80 of the node: a fleet node's HAProxy binds its listener ports
 * on every address, 80 too, where on EC2 IMDS is no socket of the instance. The node's own
 * connections to 169.254.169.254:80 are redirected there.
 */
export interface FleetNodeImds {
  readonly userDataBase64: string;
}

/** Where the fake IMDS of a fleet node listens. */
const FLEET_IMDS_PORT = 1338;

/** Redirects the node's connections to IMDS's port 80 to `port` (none: 80, no redirect). */
function redirectImds(node: LabNode, port: number): void {
  const rule = ["OUTPUT", "-d", `${IMDS}/32`, "-p", "tcp", "--dport", "80"];
  const to = ["-j", "DNAT", "--to-destination", `${IMDS}:${FLEET_IMDS_PORT}`];
  inNs(node.ns, ["iptables", "-t", "nat", "-D", ...rule, ...to], { allowFailure: true });
  if (port !== 80) inNs(node.ns, ["iptables", "-t", "nat", "-A", ...rule, ...to]);
}

function startFakeImds(
  node: LabNode,
  secondaryIps: readonly string[],
  fleetNode: FleetNodeImds | undefined,
): void {
  // Scope host: like the real one, it is no address of the instance's own network.
  inNs(node.ns, ["ip", "address", "replace", `${IMDS}/32`, "dev", "lo", "scope", "host"]);
  const port = fleetNode ? FLEET_IMDS_PORT : 80;
  redirectImds(node, port);
  const mac = inNs(node.ns, ["cat", "/sys/class/net/eth0/address"]).stdout.trim();
  startDetached(
    node.ns,
    [
      process.execPath,
      FAKE_IMDS,
      JSON.stringify({
        instanceId: `i-lab-${node.name}`,
        eni: `eni-lab-${node.name}`,
        mac,
        region: "eu-west-2",
        localIpv4: node.address,
        localIpv4s: [node.address, ...secondaryIps],
        userData: fleetNode?.userDataBase64,
        port,
      }),
    ],
    nodePath(node, "/run/fake-imds.log"),
  );
}

export function stopFakeImds(node: LabNode): void {
  sh(["pkill", "-f", `${FAKE_IMDS}.*eni-lab-${node.name}"`], { allowFailure: true });
}
