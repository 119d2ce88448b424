/**
 * Each node's user-data decoded, whatever its encoding (plain text; gzip + base64 on an
 * instance; base64, gzipped or not, on a launch template), and read back as a cloud-config.
 */
import { gunzipSync } from "node:zlib";
import { ReadCloudConfig, readCloudConfig } from "../cloud-init/cloud-config-reader";
import { EC2_USER_DATA_LIMIT } from "../cloud-init/user-data";
import { ReviewContext } from "./context";
import { ignoredOf } from "./terraform-json";

export interface Launcher {
  /** The instance's or launch template's path in the load balancer. */
  readonly name: string;
  readonly text: string;
  /** How it is carried and its size against EC2's limit. */
  readonly encoding: string;
  readonly cloudConfig?: ReadCloudConfig;
  /** A fleet's launch template, whose user-data Terraform keeps as first created. */
  readonly keptTemplate: boolean;
}

/** Decodes user-data carried as base64: gzip when it starts with gzip's magic bytes. */
export function decodeBase64UserData(base64: string): { text: string; gzip: boolean } {
  const bytes = Buffer.from(base64, "base64");
  const gzip = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return { text: (gzip ? gunzipSync(bytes) : bytes).toString("utf8"), gzip };
}

export function launchersOf(context: ReviewContext): Launcher[] {
  return context.elements.flatMap((element) => {
    const { block } = element;
    const decoded = decode(
      element.type,
      block.user_data as string | undefined,
      block.user_data_base64 as string | undefined,
      (text) => context.placeholders.text(text),
    );
    if (!decoded) return [];
    const keptTemplate =
      element.type === "aws_launch_template" && ignoredOf(element).includes("user_data");
    const cloudConfig = readCloudConfig(decoded.text);
    return [{ name: element.path, ...decoded, cloudConfig, keptTemplate }];
  });
}

function decode(
  type: string,
  userData: string | undefined,
  userDataBase64: string | undefined,
  delivered: (text: string) => string,
): { text: string; encoding: string } | undefined {
  // The size first: a change shows as `Node: 11966 → 11969`.
  const limit = `bytes of EC2's ${EC2_USER_DATA_LIMIT}`;
  if (type === "aws_launch_template" && userData !== undefined) {
    const { text, gzip } = decodeBase64UserData(userData);
    const size = gzip ? Buffer.from(userData, "base64").length : Buffer.byteLength(text);
    return { text, encoding: `${size} ${limit}, user_data ${gzip ? "gzip + " : ""}base64` };
  }
  if (type !== "aws_instance") return undefined;
  if (userDataBase64 !== undefined) {
    const { text, gzip } = decodeBase64UserData(userDataBase64);
    const size = Buffer.from(userDataBase64, "base64").length;
    return { text, encoding: `${size} ${limit}, user_data_base64 ${gzip ? "gzip + " : ""}base64` };
  }
  if (userData === undefined) return undefined;
  const text = delivered(userData);
  return { text, encoding: `${Buffer.byteLength(text)} ${limit}, user_data plain text` };
}
