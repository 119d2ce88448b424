/**
 * The review document of a load balancer, from its stack's synthesized JSON: one plain text a
 * person reads top to bottom and a snapshot holds, sections in a fixed order. Pure and
 * deterministic: the same JSON gives the same bytes.
 */
import { ReviewComment, contextOf, loadBalancersOf } from "./context";
import { haproxySection, keepalivedSection } from "./file-sections";
import { iamSection } from "./iam-section";
import {
  monitoringSection,
  nodeLines,
  outputsSection,
  resourcesSection,
  summaryNotes,
} from "./resource-sections";
import { securitySection } from "./security-section";
import { Shown } from "./shown";
import { configPayloadOf, ssmSection } from "./ssm-section";
import { TerraformJson } from "./terraform-json";
import { renderSections, section } from "./text";
import { launchersOf } from "./user-data";
import { userDataSection } from "./user-data-section";

/** Every load balancer's review document in a stack's synthesized JSON, by construct path. */
export function reviewDocuments(json: TerraformJson): Map<string, string> {
  return new Map(loadBalancersOf(json).map((comment) => [comment.path, render(json, comment)]));
}

/** The review document of the load balancer at `path`; throws when the JSON has none there. */
export function reviewDocument(json: TerraformJson, path: string): string {
  const comment = loadBalancersOf(json).find((found) => found.path === path);
  if (!comment) {
    const found = loadBalancersOf(json).map((c) => c.path);
    throw new Error(
      `${path}: no Exchange load balancer at this path in the synthesized JSON (found: ${found.join(", ") || "none"}). Fix: pass cdktf synth's cdk.tf.json, which keeps the "//" metadata Testing.synth strips`,
    );
  }
  return render(json, comment);
}

function render(json: TerraformJson, comment: ReviewComment): string {
  const context = contextOf(json, comment);
  const shown = new Shown();
  const launchers = launchersOf(context);
  const header = [
    `Exchange load balancer ${comment.path}: review document`,
    "Everything this load balancer deploys, from the synthesized Terraform; edit the constructs, not this.",
    "<Path.attribute> is a value Terraform knows at apply only (Path: the resource in this load balancer); <region>, <account>, <partition>: the provider's.",
    "Lines starting with ! say how a change to their section reaches the nodes.",
  ];
  return renderSections(header, [
    section("Summary", [
      ...summaryNotes(context),
      ...[...context.summary, ...nodeLines(context)].map((line) => `  ${line}`),
    ]),
    haproxySection(configPayloadOf(context), shown),
    keepalivedSection(launchers, shown),
    ssmSection(context, shown),
    userDataSection(launchers, shown),
    iamSection(context),
    securitySection(context),
    resourcesSection(context),
    monitoringSection(context),
    outputsSection(context),
  ]);
}
