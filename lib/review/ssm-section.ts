/**
 * The SSM documents: the config document's payload decoded (its commands, then each file it
 * stages), and the operator's and the Exchange servers' documents as outlines of their content.
 */
import { ConfigPayload, readConfigPayload } from "./config-payload";
import { NOTE } from "./diff";
import { ReviewContext } from "./context";
import { outline } from "./outline";
import { Shown } from "./shown";
import { Block, Section, indented, section } from "./text";
import { Element } from "./terraform-json";

export const SSM_SECTION = "SSM documents";

/** The config document's payload, if the load balancer has one. */
export function configPayloadOf(context: ReviewContext): ConfigPayload | undefined {
  for (const element of documents(context)) {
    const payload = readConfigPayload(contentOf(context, element));
    if (payload) return payload;
  }
  return undefined;
}

export function ssmSection(context: ReviewContext, shown: Shown): Section {
  const blocks = documents(context).flatMap((element) => documentBlocks(context, element, shown));
  return section(SSM_SECTION, [SSM_NOTE], blocks);
}

const SSM_NOTE = `${NOTE}The config document: a new version (config) is rolled out to every running node, one at a time. The others run when someone sends them.`;

/** The description, its config digest on a line of its own: a change reads `config: a → b`. */
function describe(description: string): string[] {
  const digest = /^(.*); config ([0-9a-f]+)$/.exec(description);
  if (!digest) return [`  description: ${description}`];
  return [
    `  description: ${digest[1]}`,
    `  config ${digest[2]} (a digest of everything it carries)`,
  ];
}

function documentBlocks(context: ReviewContext, element: Element, shown: Shown): Block[] {
  const { block } = element;
  const content = contentOf(context, element);
  const title = `${element.path}: ${context.placeholders.text(`${block.name}`)}`;
  const type = `  ${block.document_type} document, ${block.document_format ?? "JSON"}`;
  const payload = readConfigPayload(content);
  if (!payload) return [{ title, lines: [type, ...outline(content)] }];
  const files = [...payload.files].map(([name, text]) => {
    const place = `== ${SSM_SECTION} -- $stage/${name}`;
    const lines = shown.lines(text, indented);
    shown.add(text, place);
    return { title: `$stage/${name}`, lines };
  });
  const commands = payload.commands.map((line) => `    ${line}`);
  return [
    { title, lines: [type, ...describe(payload.description), "  runCommand:", ...commands] },
    ...files,
  ];
}

function documents(context: ReviewContext): Element[] {
  return context.elements.filter((element) => element.type === "aws_ssm_document");
}

/** The content as SSM gets it: JSON parsed, YAML as text. */
function contentOf(context: ReviewContext, element: Element): unknown {
  const text = context.placeholders.text(`${element.block.content ?? ""}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
