/**
 * The signature check against AWS's published examples, then each way a
 * request is refused: a changed byte anywhere it signs, another secret, an
 * unknown key, a session token that is not the key's, a scope for another
 * region or service, a date too far from now, expired credentials.
 */
import { RawRequest, canonicalRequest, parseAuthorization, verify } from "../../lab/aws/sigv4";

/** S3 API Reference, "Examples: Signature Calculations" (GET Object, first 10 bytes). */
const S3_EXAMPLE: RawRequest = {
  method: "GET",
  url: "/test.txt",
  headers: {
    host: "examplebucket.s3.amazonaws.com",
    range: "bytes=0-9",
    "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-amz-date": "20130524T000000Z",
    authorization:
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  },
  body: Buffer.alloc(0),
};
const S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const S3_TIME = Date.UTC(2013, 4, 24, 0, 1);

/** The Signature Version 4 test suite's get-vanilla (a non-S3 service). */
const VANILLA: RawRequest = {
  method: "GET",
  url: "/",
  headers: {
    host: "example.amazonaws.com",
    "x-amz-date": "20150830T123600Z",
    authorization:
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  },
  body: Buffer.alloc(0),
};
const VANILLA_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const VANILLA_TIME = Date.UTC(2015, 7, 30, 12, 36);

const facts =
  (id: string, secretAccessKey: string, sessionToken?: string) => (accessKeyId: string) =>
    accessKeyId === id ? { secretAccessKey, sessionToken } : undefined;
const s3 = { region: "us-east-1", service: "s3" };

test("AWS's examples verify: S3's GET Object and the test suite's get-vanilla", () => {
  expect(
    canonicalRequest(S3_EXAMPLE, ["host", "range", "x-amz-content-sha256", "x-amz-date"]),
  ).toBe(
    "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  expect(verify(S3_EXAMPLE, s3, facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET), S3_TIME)).toMatchObject({
    ok: true,
  });
  const vanilla = { region: "us-east-1", service: "service" };
  expect(
    verify(VANILLA, vanilla, facts("AKIDEXAMPLE", VANILLA_SECRET), VANILLA_TIME),
  ).toMatchObject({
    ok: true,
  });
});

test.each([
  ["another range", { ...S3_EXAMPLE, headers: { ...S3_EXAMPLE.headers, range: "bytes=0-10" } }],
  ["another path", { ...S3_EXAMPLE, url: "/test.txt2" }],
  ["an added query", { ...S3_EXAMPLE, url: "/test.txt?x=1" }],
  ["another method", { ...S3_EXAMPLE, method: "HEAD" }],
])("a changed request (%s) no longer matches its signature", (_what, request) => {
  const verdict = verify(request, s3, facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET), S3_TIME);
  expect(verdict).toMatchObject({ ok: false, refusal: "signature" });
});

test.each([
  ["signature", facts("AKIAIOSFODNN7EXAMPLE", `${S3_SECRET}x`), s3, S3_TIME],
  ["unknown-key", facts("AKIAOTHER", S3_SECRET), s3, S3_TIME],
  ["token", facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET, "issued-token"), s3, S3_TIME],
  [
    "scope",
    facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET),
    { region: "eu-west-2", service: "s3" },
    S3_TIME,
  ],
  [
    "scope",
    facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET),
    { region: "us-east-1", service: "ec2" },
    S3_TIME,
  ],
  ["skew", facts("AKIAIOSFODNN7EXAMPLE", S3_SECRET), s3, S3_TIME + 20 * 60 * 1000],
] as const)("refused: %s", (refusal, keys, endpoint, now) => {
  expect(verify(S3_EXAMPLE, endpoint, keys, now)).toMatchObject({ ok: false, refusal });
});

test("expired credentials are refused even with a good signature; no Authorization is missing", () => {
  const expired = () => ({ secretAccessKey: S3_SECRET, expiration: new Date(S3_TIME - 1) });
  expect(verify(S3_EXAMPLE, s3, expired, S3_TIME)).toMatchObject({ ok: false, refusal: "expired" });
  const unsigned = { ...S3_EXAMPLE.headers, authorization: undefined };
  expect(verify({ ...S3_EXAMPLE, headers: unsigned }, s3, expired, S3_TIME)).toEqual({
    ok: false,
    refusal: "missing",
  });
});

test("the Authorization header's parts", () => {
  expect(parseAuthorization(VANILLA.headers.authorization as string)).toEqual({
    scope: {
      accessKeyId: "AKIDEXAMPLE",
      date: "20150830",
      region: "us-east-1",
      service: "service",
    },
    signedHeaders: ["host", "x-amz-date"],
    signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  });
  expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1")).toBeUndefined();
  expect(parseAuthorization("AWS AKID:signature")).toBeUndefined();
});
