/**
 * What the other sections do not show, each as an outline of its attributes: the nodes, routes,
 * association, fleet and private-subnet resources and the data sources (Resources); the alarms
 * and dashboards (Monitoring); the outputs.
 */
import { ReviewContext } from "./context";
import { NOTE } from "./diff";
import { dashboardLines } from "./dashboard-lines";
import { isIam } from "./iam-section";
import { outline } from "./outline";
import { isSecurity } from "./security-section";
import { Section, section } from "./text";
import { Element, ignoredOf } from "./terraform-json";
import { USER_DATA_SECTION } from "./user-data-section";

const MONITORING_TYPES = ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard"];
const USER_DATA_KEYS = ["user_data", "user_data_base64"];

const RESOURCES_NOTE = `${NOTE}Applied by cdktf deploy. What a block's note says Terraform ignores after creation stays as first created: changing it needs the resource replaced (README, What a change does).`;

export function resourcesSection(context: ReviewContext): Section {
  const others = context.elements.filter(
    (element) =>
      !isIam(element) &&
      !isSecurity(element) &&
      element.type !== "aws_ssm_document" &&
      !MONITORING_TYPES.includes(element.type),
  );
  const blocks = others.map((element) => outlineBlock(context, element));
  return section("Resources", [RESOURCES_NOTE], blocks);
}

/** The nodes' instance type and image, from what Terraform creates, for the summary. */
export function nodeLines(context: ReviewContext): string[] {
  return context.elements.flatMap((element) => {
    const { block } = element;
    if (element.type !== "aws_instance" && element.type !== "aws_launch_template") return [];
    const ignored = ignoredOf(element);
    const kept = [
      ...(ignored.includes("instance_type") ? ["type"] : []),
      ...(ignored.includes("ami") || ignored.includes("image_id") ? ["image"] : []),
    ];
    const note = kept.length > 0 ? ` (${kept.join(" and ")} kept after creation)` : "";
    const image = context.placeholders.text(`${block.ami ?? block.image_id}`);
    return [`${element.path}: ${block.instance_type} ${image}${note}`];
  });
}

/** The summary's note when running nodes keep their instance type. */
export function summaryNotes(context: ReviewContext): string[] {
  const kept = context.elements.some(
    (element) => element.type === "aws_instance" && ignoredOf(element).includes("instance_type"),
  );
  if (!kept) return [];
  return [
    `${NOTE}Running nodes keep the instance type and image they were created with (the node lines below), while a maxconn sized for a new type reaches them with the config document: change a type node by node (README, What a change does).`,
  ];
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
      .map(([key, value]) => [key, shownAs(key, value)]),
  );
  const kind = element.kind === "data" ? "data " : "";
  const ignored = ignoredOf(element);
  const note =
    ignored.length > 0 ? [`${NOTE}Terraform ignores after creation: ${ignored.join(", ")}`] : [];
  const readable = context.placeholders.value(attributes) as Record<string, unknown>;
  const dashboard = dashboardLines(readable.dashboard_body);
  const rest = Object.fromEntries(Object.entries(readable).filter(([k]) => k !== "dashboard_body"));
  const lines = dashboard
    ? [...outline(rest), "  dashboard_body:", ...dashboard]
    : outline(readable);
  return { title: `${kind}${element.type} ${element.path}`, lines: [...note, ...lines] };
}

/** The user-data is its own section; depends_on only orders the deploy: its count will do. */
function shownAs(key: string, value: unknown): unknown {
  if (USER_DATA_KEYS.includes(key)) return `see == ${USER_DATA_SECTION}`;
  if (key === "depends_on" && Array.isArray(value)) return `${value.length} resources`;
  if (key === "dashboard_body" && typeof value === "string") return JSON.parse(value) as unknown;
  return value;
}
