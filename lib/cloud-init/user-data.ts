/**
 * Fits user-data into EC2's limit and past Terraform's template syntax.
 */
import { gzipSync } from "node:zlib";
import { escapeTerraformTemplate } from "../terraform/escape";

/** EC2 accepts at most 16 KB of user-data before base64 encoding. */
export const EC2_USER_DATA_LIMIT = 16384;

export type EncodedUserData =
  /** Readable in the synthesized JSON; `${` and `%{` escaped for Terraform. */
  | { readonly userData: string }
  /** gzip, then base64: cloud-init unpacks it; base64 holds no template syntax. */
  | { readonly userDataBase64: string };

/**
 * Plain text when it fits, so that `cdktf diff` shows readable changes;
 * gzip-compressed otherwise. Throws when even the compressed form is too large.
 */
export function encodeUserData(text: string): EncodedUserData {
  if (Buffer.byteLength(text, "utf8") <= EC2_USER_DATA_LIMIT) {
    return { userData: escapeTerraformTemplate(text) };
  }
  // level 9 and Node's fixed header (mtime 0) keep the output byte-identical.
  const compressed = gzipSync(Buffer.from(text, "utf8"), { level: 9 });
  if (compressed.length > EC2_USER_DATA_LIMIT) {
    throw new Error(
      `user-data is ${compressed.length} bytes gzip-compressed, over EC2's ${EC2_USER_DATA_LIMIT}-byte limit`,
    );
  }
  return { userDataBase64: compressed.toString("base64") };
}

/**
 * A launch template's user-data, which EC2 takes base64-encoded: the text itself when it fits,
 * gzip-compressed otherwise (the limit is on the bytes before base64). Throws as `encodeUserData`.
 */
export function encodeLaunchTemplateUserData(text: string): string {
  const encoded = encodeUserData(text);
  return "userDataBase64" in encoded
    ? encoded.userDataBase64
    : Buffer.from(text, "utf8").toString("base64");
}
