/**
 * An instance root as a node is once its config document ran: the files the document carries,
 * unpacked by the document's own commands, at the paths the installer gives them; and `aws`,
 * Debian's real CLI, calling the AWS stand-in with the role's credentials from an IMDSv2
 * stand-in, as the instance's CLI does.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOCUMENT_FILES } from "../../lib/delivery/bundle";
import { PATHS, STAGED } from "../../lib/instance/paths";
import type { TerraformStack } from "cdktf";
import type { ExchangeLoadBalancer } from "../../lib";
import type { PolicyDocument } from "../../lab/aws/iam";
import { labInstances, rolePolicies } from "../../lab/aws/role-policies";
import { AWS_CLI, LAB, Running, cliEnvironment } from "./aws-stand-in";
import { RunningImds, startImds } from "./imds-stand-in";
import { InstanceRoot } from "./instance-root";
import { resourcesOf, synthJson } from "./synth";

/** The config document's content, as Terraform would send it (its `$${` unescaped). */
function documentText(content: unknown): string {
  return String(content)
    .replace(/\$\$\{/g, "${")
    .replace(/%%\{/g, "%{");
}

export interface SynthesizedNode {
  readonly config: string;
  readonly userData: string;
  /** The config document's content. */
  readonly document: string;
  /** The instance role, its policies resolved as the stand-in reads them. */
  readonly role: { readonly roleName: string; readonly policies: readonly PolicyDocument[] };
}

/** The load balancer (its VIPs added) synthesized: what one of its nodes gets. */
export function synthesizedNode(stack: TerraformStack, lb: ExchangeLoadBalancer): SynthesizedNode {
  const json = synthJson(stack);
  const [role] = rolePolicies(json, {
    lab: { ...LAB, dnsSuffix: "amazonaws.com" },
    instances: labInstances(json),
  });
  const document = resourcesOf(json, "aws_ssm_document").find((d) => d.name.endsWith("-config"));
  return {
    config: lb.renderHaproxyConfig(),
    userData: lb.renderUserData(),
    document: documentText(document.content),
    role,
  };
}

export function installDocumentFiles(root: InstanceRoot, document: string): void {
  const commands: string[] = JSON.parse(document).mainSteps[0].inputs.runCommand;
  const stage = root.path("stage");
  const unpack = [...commands.slice(0, -1), `mkdir -p ${stage}`, `cp -r "$stage/." ${stage}/`];
  const unpacked = spawnSync("sh", ["-c", unpack.join("\n")], { encoding: "utf8" });
  if (unpacked.status !== 0) throw new Error(`the document did not unpack: ${unpacked.stderr}`);
  for (const file of DOCUMENT_FILES) {
    root.write(
      PATHS[file.path],
      readFileSync(join(stage, STAGED[file.staged]), "utf8"),
      file.permissions === "0755" ? 0o755 : 0o644,
    );
  }
}

export function awsThroughImds(root: InstanceRoot, running: Running, imdsPort: number): void {
  const env = cliEnvironment(running);
  delete env.AWS_EC2_METADATA_DISABLED;
  const exports = Object.entries({
    ...env,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imdsPort}/`,
  }).map(([name, value]) => `export ${name}='${value}'`);
  root.fake(
    "aws",
    `${exports.join("\n")}\nexec ${AWS_CLI} --endpoint-url ${running.endpoint} "$@"\n`,
  );
}

export interface DeliveredNode {
  readonly root: InstanceRoot;
  readonly imds: RunningImds;
}

/**
 * A node at 10.0.1.<host> (instance i-lab0a0001<host, 2 digits>) of the synthesized role: its user-data
 * and its config document's files installed, its IMDS serving the role's credentials, `aws`
 * calling the stand-in, `logger` a stand-in.
 */
export async function deliveredNode(
  running: Running,
  host: number,
  synthesized: SynthesizedNode,
): Promise<DeliveredNode> {
  const { roleName, policies } = synthesized.role;
  const two = String(host).padStart(2, "0");
  const instanceId = `i-lab0a0001${two}`;
  const credentials = running.standIn.issueCredentials(instanceId, roleName, policies);
  const imds = await startImds(
    {
      instanceId,
      interfaceId: `eni-lab0a0001${two}`,
      mac: `0a:00:00:00:01:${two}`,
      region: LAB.region,
      address: `10.0.1.${host}`,
      roleName,
    },
    () => credentials,
  );
  const root = new InstanceRoot();
  root.installUserData(synthesized.userData);
  installDocumentFiles(root, synthesized.document);
  root.write(
    PATHS.SETTINGS,
    root.read(PATHS.SETTINGS).replace(/^IMDS=.*$/m, `IMDS="http://127.0.0.1:${imds.port}"`),
  );
  awsThroughImds(root, running, imds.port);
  root.fake("logger");
  return { root, imds };
}
