/** What the server gives a service's handler for one call, and what a service is. */
import type { LabAccount, Refuse } from "./authorizer";
import type { Caller } from "./credentials";
import type { Protocol } from "./refusals";
import type { Reply, ServiceError } from "./replies";
import type { RawRequest } from "./sigv4";

export interface ServiceCall {
  readonly request: RawRequest;
  readonly requestId: string;
  readonly lab: LabAccount;
  /** The signed caller; undefined for an anonymous request (S3's public objects only). */
  readonly caller?: Caller;
  /** The operation's name for the call log, e.g. `ec2:ReplaceRoute`, known before authorizing. */
  readonly named: (action: string) => void;
  /** Throws the service's refusal unless the caller's policies allow `action` on every resource. */
  readonly authorize: (
    action: string,
    resources: readonly string[],
    context?: Readonly<Record<string, string>>,
  ) => void;
}

export interface Service {
  /** The signing name (credential scope) and host name prefix: ec2, ssm, secretsmanager, s3. */
  readonly name: string;
  readonly protocol: Protocol;
  /** Whether a request without a signature is served (S3's public-read bucket). */
  readonly anonymous: boolean;
  readonly refuse: Refuse;
  handle(call: ServiceCall): Reply;
  error(error: ServiceError, requestId: string): Reply;
}
