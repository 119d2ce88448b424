/**
 * Signature Version 4 checked the way AWS checks it (IAM User Guide, "Create a
 * signed AWS API request"; "Elements of an AWS API request signature"): the
 * canonical request is rebuilt from the raw request (method, path, query, the
 * signed headers, the payload's hash), the string to sign from it, and the
 * signature from the secret of the access key the credential names. The session
 * token must be the one issued with that key, the scope's region and service
 * those of the endpoint, the date within 15 minutes of now.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface RawRequest {
  readonly method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  readonly url: string;
  /** Header names in lower case, as node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export interface Authorization {
  readonly scope: Scope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** What a secret holder knows about a key: its secret, its session token, until when. */
export interface KeyFacts {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type Refusal =
  "missing" | "malformed" | "unknown-key" | "token" | "expired" | "scope" | "skew" | "signature";

export type Verdict =
  | { readonly ok: true; readonly scope: Scope }
  | { readonly ok: false; readonly refusal: Refusal; readonly scope?: Scope };

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60 * 1000;

const header = (request: RawRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-2/ec2/aws4_request, SignedHeaders=a;b, Signature=hex` */
export function parseAuthorization(value: string | undefined): Authorization | undefined {
  if (!value?.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = new Map(
    value
      .slice(ALGORITHM.length + 1)
      .split(",")
      .map((part) => part.trim().split("=", 2) as [string, string]),
  );
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || credential.length !== 5 || credential[4] !== "aws4_request") return undefined;
  if (!signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service] = credential;
  return {
    scope: { accessKeyId, date, region, service },
    signedHeaders: signedHeaders.split(";"),
    signature,
  };
}

/** RFC 3986 percent-encoding, as SigV4 wants it (unreserved characters stay). */
function uriEncode(text: string, keepSlash: boolean): string {
  return Array.from(Buffer.from(text, "utf8"))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) return c;
      return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, "%20"));

function canonicalQuery(query: string): string {
  if (query === "") return "";
  return query
    .split("&")
    .map((pair) => {
      const at = pair.indexOf("=");
      const [key, value] = at < 0 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
      return [uriEncode(decode(key), false), uriEncode(decode(value), false)];
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/**
 * The canonical request. S3 signs the path as sent; every other service
 * encodes the (already encoded) path once more (SigV4: "Each path segment must
 * be URI-encoded twice", except for Amazon S3).
 */
export function canonicalRequest(request: RawRequest, signedHeaders: readonly string[]): string {
  const at = request.url.indexOf("?");
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const query = at < 0 ? "" : request.url.slice(at + 1);
  const s3 = parseAuthorization(header(request, "authorization"))?.scope.service === "s3";
  const headers = signedHeaders.map(
    (name) => `${name}:${(header(request, name) ?? "").trim().replace(/\s+/g, " ")}\n`,
  );
  const payload =
    header(request, "x-amz-content-sha256") ??
    createHash("sha256").update(request.body).digest("hex");
  return [
    request.method,
    s3 ? path : uriEncode(path, true),
    canonicalQuery(query),
    headers.join(""),
    signedHeaders.join(";"),
    payload,
  ].join("\n");
}

const hmac = (key: Buffer | string, data: string) =>
  createHmac("sha256", key).update(data).digest();

export function signingKey(secret: string, scope: Scope): Buffer {
  const date = hmac(`AWS4${secret}`, scope.date);
  return hmac(hmac(hmac(date, scope.region), scope.service), "aws4_request");
}

/** The signature the holder of `secret` would send for this request. */
export function expectedSignature(request: RawRequest, auth: Authorization, secret: string) {
  const { scope } = auth;
  const amzDate = header(request, "x-amz-date") ?? "";
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    createHash("sha256").update(canonicalRequest(request, auth.signedHeaders)).digest("hex"),
  ].join("\n");
  return createHmac("sha256", signingKey(secret, scope)).update(stringToSign).digest("hex");
}

/** `20260101T120000Z` as a time. */
function amzTime(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/**
 * The verdict on a request's signature: the endpoint's region and service, and
 * the facts about the named key (undefined: no such key).
 */
export function verify(
  request: RawRequest,
  endpoint: { readonly region: string; readonly service: string },
  facts: (accessKeyId: string) => KeyFacts | undefined,
  now = Date.now(),
): Verdict {
  const value = header(request, "authorization");
  if (value === undefined) return { ok: false, refusal: "missing" };
  const auth = parseAuthorization(value);
  const amzDate = header(request, "x-amz-date") ?? "";
  if (!auth || !auth.signedHeaders.includes("host") || !amzDate.startsWith(auth?.scope.date)) {
    return { ok: false, refusal: "malformed" };
  }
  const { scope } = auth;
  const key = facts(scope.accessKeyId);
  if (!key) return { ok: false, refusal: "unknown-key", scope };
  if (key.sessionToken !== header(request, "x-amz-security-token")) {
    return { ok: false, refusal: "token", scope };
  }
  if (scope.region !== endpoint.region || scope.service !== endpoint.service) {
    return { ok: false, refusal: "scope", scope };
  }
  if (!(Math.abs(now - amzTime(amzDate)) <= MAX_SKEW_MS))
    return { ok: false, refusal: "skew", scope };
  const expected = Buffer.from(expectedSignature(request, auth, key.secretAccessKey));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, refusal: "signature", scope };
  }
  if (key.expiration && key.expiration.getTime() <= now)
    return { ok: false, refusal: "expired", scope };
  return { ok: true, scope };
}
