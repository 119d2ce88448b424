/**
 * The Systems Manager side of a config rollout in the boot lab: State Manager's
 * association of the synthesized config document, applied as the synthesized
 * `aws_ssm_association` says (its targets in order, `max_concurrency` at a time, stop once
 * failures exceed `max_errors`), each target running the document's shell script as root,
 * as the SSM agent does, through the guest agent. It runs when the document changes.
 */
import { createHash } from "node:crypto";
import { BootLab } from "./boot-lab";
import { guestRun } from "./guest";

export interface TargetResult {
  readonly instance: string;
  readonly status: "Success" | "Failed" | "Skipped";
  readonly exitCode?: number;
  readonly output?: string;
  readonly seconds?: number;
  /** Epoch ms the target started. */
  readonly startedAt?: number;
}

export interface AssociationRun {
  /** What `describe-association-executions` would say: Success, or Failed once a target failed. */
  readonly status: "Success" | "Failed";
  readonly targets: readonly TargetResult[];
}

interface Association {
  readonly max_concurrency: string;
  readonly max_errors: string;
  readonly targets: readonly { key: string; values: readonly string[] }[];
}

/** The association and its document's script from a synthesized cdk.tf.json. */
function parse(cdkTfJson: string): {
  association: Association;
  script: string;
  instanceRefs: string[];
} {
  const json = JSON.parse(cdkTfJson) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  const [association] = Object.values(
    json.resource.aws_ssm_association ?? {},
  ) as unknown as Association[];
  const [document] = Object.values(json.resource.aws_ssm_document ?? {}).filter(
    (d) => d.document_type === "Command" && String(d.name).endsWith("-config"),
  );
  if (!association || !document)
    throw new Error("the stack has no config document and association");
  // Terraform reads `$${`/`%%{` in a literal as `${`/`%{`.
  const script = scriptOf(String(document.content).replace(/([$%])\1\{/g, "$1{"));
  return { association, script, instanceRefs: Object.keys(json.resource.aws_instance) };
}

/** The document's shell steps, as the agent runs them: one script. */
function scriptOf(content: string): string {
  const steps = (
    JSON.parse(content) as { mainSteps: { action: string; inputs: { runCommand: string[] } }[] }
  ).mainSteps;
  return steps
    .filter((s) => s.action === "aws:runShellScript")
    .map((s) => s.inputs.runCommand.join("\n"))
    .join("\n");
}

/** `${aws_instance.<name>.id}` -> the lab instance launched from that resource (same order). */
function targetNames(
  lab: BootLab,
  association: Association,
  instanceRefs: readonly string[],
): string[] {
  const ids = association.targets.find((t) => t.key === "InstanceIds")?.values ?? [];
  return ids.map((ref) => {
    const index = instanceRefs.findIndex((name) => ref === `\${aws_instance.${name}.id}`);
    if (index < 0) throw new Error(`association target ${ref} is no instance of the stack`);
    return lab.instances[index].name;
  });
}

const applied = new WeakMap<BootLab, string>();

/**
 * Applies the stack's config document if it changed since the last run; `document`: other
 * content in its place (a config the library would never render, to see it refused).
 */
export async function runAssociation(
  lab: BootLab,
  cdkTfJson: string,
  document?: string,
): Promise<AssociationRun | undefined> {
  const parsed = parse(cdkTfJson);
  const { association, instanceRefs } = parsed;
  const script = document ? scriptOf(document) : parsed.script;
  const version = createHash("sha256").update(script).digest("hex");
  if (applied.get(lab) === version) return undefined;
  applied.set(lab, version);
  const names = targetNames(lab, association, instanceRefs);
  if (association.max_concurrency !== "1")
    throw new Error(`the lab applies one target at a time, not ${association.max_concurrency}`);
  // A percentage would need the target count's share; the library synthesizes a count.
  if (!/^\d+$/.test(association.max_errors))
    throw new Error(`the lab applies max_errors as a count, not ${association.max_errors}`);
  const maxErrors = Number(association.max_errors);
  const targets: TargetResult[] = [];
  let errors = 0;
  for (const name of names) {
    const vm = lab.vms.get(name);
    if (errors > maxErrors || !vm) {
      targets.push({ instance: name, status: "Skipped" });
      continue;
    }
    const start = Date.now();
    const r = await guestRun(vm, ["/bin/sh", "-c", script], 600_000);
    const ok = r.exitcode === 0;
    if (!ok) errors++;
    targets.push({
      instance: name,
      status: ok ? "Success" : "Failed",
      exitCode: r.exitcode,
      output: r.stdout + r.stderr,
      seconds: (Date.now() - start) / 1000,
      startedAt: start,
    });
  }
  return { status: errors > 0 ? "Failed" : "Success", targets };
}

/** Marks the stack's document as the one already applied (the instances booted with it). */
export function bootedWith(lab: BootLab, cdkTfJson: string): void {
  applied.set(lab, createHash("sha256").update(parse(cdkTfJson).script).digest("hex"));
}
