/**
 * The instance roles' temporary credentials, as IMDS hands them to an instance
 * and the stand-in's endpoints check them: each key belongs to one instance
 * and one role, and is evaluated against that role's policies as they are at
 * the time of the call (a changed policy applies to keys already issued, as
 * in IAM).
 */
import { randomBytes } from "node:crypto";
import type { PolicyDocument } from "./iam";
import type { KeyFacts } from "./sigv4";

/** What `/latest/meta-data/iam/security-credentials/<role>` serves, field for field. */
export interface ImdsCredentials {
  readonly Code: "Success";
  readonly LastUpdated: string;
  readonly Type: "AWS-HMAC";
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly Token: string;
  readonly Expiration: string;
}

export interface Caller {
  readonly instanceId: string;
  readonly roleName: string;
}

interface Issued extends KeyFacts, Caller {}

/** Temporary keys start with ASIA (IAM User Guide, "Unique identifiers": ID prefixes). */
function accessKeyId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return `ASIA${Array.from(randomBytes(16), (b) => alphabet[b % 32]).join("")}`;
}

/** Like EC2's, valid 6 hours; IMDS renews them well before (EC2 User Guide, "IAM roles for EC2"). */
const LIFETIME_MS = 6 * 3600 * 1000;

const iso = (time: number) => new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");

export class CredentialRegistry {
  private readonly keys = new Map<string, Issued>();
  private readonly roles = new Map<string, readonly PolicyDocument[]>();

  /** Sets (or replaces) a role's policies: a rollout of the role's inline policies. */
  public setRolePolicies(roleName: string, policies: readonly PolicyDocument[]): void {
    this.roles.set(roleName, [...policies]);
  }

  public roleNames(): string[] {
    return [...this.roles.keys()];
  }

  public policiesOf(roleName: string): readonly PolicyDocument[] {
    return this.roles.get(roleName) ?? [];
  }

  /**
   * New credentials for an instance of a role, in the shape IMDS serves them;
   * with `policies`, the role's policies are set first.
   */
  public issueCredentials(
    instanceId: string,
    roleName: string,
    policies?: readonly PolicyDocument[],
    now = Date.now(),
  ): ImdsCredentials {
    if (policies) this.setRolePolicies(roleName, policies);
    else if (!this.roles.has(roleName)) throw new Error(`no policies for role ${roleName}`);
    const issued: Issued = {
      instanceId,
      roleName,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString("base64")}`,
      expiration: new Date(now + LIFETIME_MS),
    };
    const id = accessKeyId();
    this.keys.set(id, issued);
    return {
      Code: "Success",
      LastUpdated: iso(now),
      Type: "AWS-HMAC",
      AccessKeyId: id,
      SecretAccessKey: issued.secretAccessKey,
      Token: issued.sessionToken!,
      Expiration: iso(issued.expiration!.getTime()),
    };
  }

  /** The secret, token and expiry of a key, for the signature check; undefined: unknown key. */
  public facts(accessKeyId: string): KeyFacts | undefined {
    return this.keys.get(accessKeyId);
  }

  public callerOf(accessKeyId: string): Caller | undefined {
    const issued = this.keys.get(accessKeyId);
    return issued && { instanceId: issued.instanceId, roleName: issued.roleName };
  }

  /** Every key of an instance stops working, as when its role is detached. */
  public revoke(instanceId: string): void {
    for (const [id, issued] of this.keys)
      if (issued.instanceId === instanceId) this.keys.delete(id);
  }
}
