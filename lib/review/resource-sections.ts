/**
 * What the other sections do not show, each as an outline of its attributes: the nodes, routes,
 * association, fleet and private-subnet resources and the data sources (Resources); the alarms
 * and dashboards (Monitoring); the outputs.
 */
import { ReviewContext } from "./context";
import { isIam } from "./iam-section";
import { outline } from "./outline";
import { isSecurity } from "./security-section";
import { Section, section } from "./text";
import { Element } from "./terraform-json";
import { USER_DATA_SECTION } from "./user-data-section";

const MONITORING_TYPES = ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard"];
const USER_DATA_KEYS = ["user_data", "user_data_base64"];

export function resourcesSection(context: ReviewContext): Section {
  const others = context.elements.filter(
    (element) =>
      !isIam(element) &&
      !isSecurity(element) &&
      element.type !== "aws_ssm_document" &&
      !MONITORING_TYPES.includes(element.type),
  );
  return section(
    "Resources",
    [],
    others.map((element) => outlineBlock(context, element)),
  );
}

export function monitoringSection(context: ReviewContext): Section {
  const shown = context.elements.filter((element) => MONITORING_TYPES.includes(element.type));
  return section(
    "Alarms and dashboards",
    [],
    shown.map((element) => outlineBlock(context, element)),
  );
}

export function outputsSection(context: ReviewContext): Section {
  const lines = context.outputs.flatMap(([name, output]) => [
    `  ${name}${output.description ? `: ${output.description}` : ""}`,
    ...outline(context.placeholders.value(output.value ?? null), "    "),
  ]);
  return section("Outputs", lines);
}

function outlineBlock(context: ReviewContext, element: Element) {
  const attributes = Object.fromEntries(
    Object.entries(element.block)
      .filter(([key]) => key !== "//")
      .map(([key, value]) => [
        key,
        USER_DATA_KEYS.includes(key) ? `see == ${USER_DATA_SECTION}` : value,
      ]),
  );
  const kind = element.kind === "data" ? "data " : "";
  return {
    title: `${kind}${element.type} ${element.path}`,
    lines: outline(context.placeholders.value(attributes)),
  };
}
