/**
 * How each protocol refuses a request whose signature or credentials fail:
 * EC2's common client errors (EC2 API Reference, "Error codes": AuthFailure,
 * SignatureDoesNotMatch, RequestExpired, MissingAuthenticationToken,
 * IncompleteSignature), the JSON services' common errors (SSM and Secrets
 * Manager API References, "Common errors": UnrecognizedClientException,
 * InvalidSignatureException, ExpiredTokenException,
 * MissingAuthenticationTokenException, IncompleteSignature) and S3's (S3 API
 * Reference, "Error responses"). The codes are AWS's; the messages of
 * malformed signatures, clock skew and a wrong scope are the lab's own words.
 */
import { ServiceError } from "./replies";
import type { Refusal } from "./sigv4";

export type Protocol = "ec2" | "json" | "query" | "s3";

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const SCOPE = "Credential should be scoped to a valid region.";

type Table = Readonly<Record<Refusal, readonly [code: string, message: string, status: number]>>;

const TABLES: Readonly<Record<Protocol, Table>> = {
  ec2: {
    missing: ["MissingAuthenticationToken", "Request is missing Authentication Token", 401],
    malformed: [
      "IncompleteSignature",
      "The request signature does not conform to AWS standards.",
      400,
    ],
    "unknown-key": [
      "AuthFailure",
      "AWS was not able to validate the provided access credentials",
      401,
    ],
    token: ["AuthFailure", "AWS was not able to validate the provided access credentials", 401],
    expired: ["RequestExpired", "Request has expired.", 400],
    skew: ["RequestExpired", "Request has expired.", 400],
    scope: ["AuthFailure", SCOPE, 401],
    signature: ["SignatureDoesNotMatch", MISMATCH, 403],
  },
  json: {
    missing: ["MissingAuthenticationTokenException", "Missing Authentication Token", 400],
    malformed: [
      "IncompleteSignatureException",
      "The request signature does not conform to AWS standards.",
      400,
    ],
    "unknown-key": [
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      400,
    ],
    token: [
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      400,
    ],
    expired: [
      "ExpiredTokenException",
      "The security token included in the request is expired",
      400,
    ],
    skew: [
      "InvalidSignatureException",
      "Signature expired: the request time is too far from now.",
      400,
    ],
    scope: ["InvalidSignatureException", SCOPE, 400],
    signature: ["InvalidSignatureException", MISMATCH, 400],
  },
  // CloudWatch's query protocol (CloudWatch API Reference, "Common errors").
  query: {
    missing: ["MissingAuthenticationToken", "Request is missing Authentication Token", 403],
    malformed: [
      "IncompleteSignature",
      "The request signature does not conform to AWS standards.",
      400,
    ],
    "unknown-key": [
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
      403,
    ],
    token: ["InvalidClientTokenId", "The security token included in the request is invalid.", 403],
    expired: ["ExpiredToken", "The security token included in the request is expired", 403],
    skew: [
      "SignatureDoesNotMatch",
      "Signature expired: the request time is too far from now.",
      403,
    ],
    scope: ["SignatureDoesNotMatch", SCOPE, 403],
    signature: ["SignatureDoesNotMatch", MISMATCH, 403],
  },
  s3: {
    missing: ["AccessDenied", "Access Denied", 403],
    malformed: ["AuthorizationHeaderMalformed", "The authorization header is malformed.", 400],
    "unknown-key": [
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      403,
    ],
    token: ["InvalidToken", "The provided token is malformed or otherwise invalid.", 400],
    expired: ["ExpiredToken", "The provided token has expired.", 400],
    skew: [
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
      403,
    ],
    scope: [
      "AuthorizationHeaderMalformed",
      "The authorization header is malformed; the region is wrong.",
      400,
    ],
    signature: [
      "SignatureDoesNotMatch",
      MISMATCH.replace(" Consult the service documentation for details.", ""),
      403,
    ],
  },
};

export function signatureRefusal(protocol: Protocol, refusal: Refusal): ServiceError {
  const [code, message, status] = TABLES[protocol][refusal];
  return new ServiceError(code, message, status);
}
