/**
 * S3 GET (and HEAD) of objects in public-read buckets, like the regional
 * amazon-ssm-<region> bucket the SSM agent's package comes from: no signature
 * needed, path-style (`s3.<region>.amazonaws.com/<bucket>/<key>`) or
 * virtual-hosted (`<bucket>.s3.<region>.amazonaws.com/<key>`) addressing.
 * A signed request is checked like any other and served the same.
 */
import { readFileSync } from "node:fs";
import { jsonRefusal } from "./authorizer";
import { Reply, ServiceError, s3Error, xmlEscape } from "./replies";
import type { Service, ServiceCall } from "./service";

/** `bucket/key` to the object's bytes, or to `{ file }` read at each GET. */
export type Objects = Readonly<Record<string, string | Buffer | { readonly file: string }>>;

/** The bucket a virtual-hosted request names in its Host, if any. */
export function virtualBucket(host: string): string | undefined {
  const m = /^(.+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(:\d+)?$/.exec(host);
  return m?.[1];
}

export function s3Service(objects: Objects): Service {
  const buckets = new Set(Object.keys(objects).map((k) => k.split("/")[0]));
  return {
    name: "s3",
    protocol: "s3",
    anonymous: true,
    refuse: jsonRefusal,
    error: (error, id) => s3Error(error, id),
    handle(call: ServiceCall): Reply {
      const { request } = call;
      const path = decodeURIComponent(request.url.split("?")[0]).replace(/^\//, "");
      const bucket = virtualBucket(String(request.headers.host ?? ""));
      const [name, ...rest] = bucket ? [bucket, path] : path.split("/");
      const key = rest.join("/");
      call.named(`s3:GetObject`);
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw new ServiceError(
          "MethodNotAllowed",
          "The specified method is not allowed against this resource.",
          405,
        );
      }
      if (!buckets.has(name)) {
        throw new ServiceError("NoSuchBucket", "The specified bucket does not exist", 404);
      }
      const object = objects[`${name}/${key}`];
      if (object === undefined) {
        const error = new ServiceError("NoSuchKey", "The specified key does not exist.", 404);
        return s3Error(error, call.requestId, `<Key>${xmlEscape(key)}</Key>`);
      }
      const bytes =
        typeof object === "string" || Buffer.isBuffer(object)
          ? Buffer.from(object)
          : readFileSync(object.file);
      return {
        status: 200,
        headers: {
          "content-type": "binary/octet-stream",
          "content-length": String(bytes.length),
          "x-amz-request-id": call.requestId,
        },
        body: request.method === "HEAD" ? "" : bytes,
      };
    },
  };
}
