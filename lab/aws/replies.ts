/**
 * Answers in each protocol's own format, errors included, as the AWS CLI
 * parses them: EC2's query protocol (XML, `<Response><Errors>...<RequestID>`,
 * EC2 API Reference, "Error codes": example error response), the JSON 1.1
 * protocol of SSM and Secrets Manager (`{"__type", "message"}` with
 * x-amzn-RequestId), and S3's REST XML (`<Error><Code>...`).
 */
import { randomUUID } from "node:crypto";

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

/** An error a handler raises with its protocol-neutral parts; the protocol renders it. */
export class ServiceError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

export const requestId = () => randomUUID();

export const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

/** `<ActionResponse>` with requestId first, then the fields given as XML. */
export function ec2Reply(action: string, id: string, inner: string): Reply {
  return {
    status: 200,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": id },
    body: `${XML}<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${id}</requestId>${inner}</${action}Response>`,
  };
}

export function ec2Error(error: ServiceError, id: string): Reply {
  return {
    status: error.status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": id },
    body: `${XML}<Response><Errors><Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
  };
}

const JSON_TYPE = "application/x-amz-json-1.1";

export function jsonReply(value: unknown, id: string): Reply {
  return {
    status: 200,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": id },
    body: JSON.stringify(value),
  };
}

export function jsonError(error: ServiceError, id: string): Reply {
  return {
    status: error.status,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": id, "x-amzn-errortype": error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

export function s3Error(error: ServiceError, id: string, extra = ""): Reply {
  return {
    status: error.status,
    headers: { "content-type": "application/xml", "x-amz-request-id": id },
    body: `${XML}<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>${extra}<RequestId>${id}</RequestId></Error>`,
  };
}

/** A query-protocol service's error (CloudWatch, Auto Scaling): XML in the service's namespace. */
export function queryErrorReply(xmlns: string, error: ServiceError, id: string): Reply {
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": id },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}
