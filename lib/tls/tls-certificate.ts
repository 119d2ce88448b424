/**
 * Where a terminating VIP's certificate comes from: a PEM bundle (certificate,
 * chain, private key) kept in SSM Parameter Store as a SecureString or in
 * Secrets Manager, fetched at boot by the instance role, which may read that
 * one item only. Never in user-data, never in clear in the Terraform state:
 * Terraform sees only the name. Pure.
 */

export type CertificateStore = "ssm" | "secretsmanager";

/**
 * Why a name that looks suffixed is not safe either: Secrets Manager API
 * Reference, CreateSecret `Name` ("Do not end your secret name with a hyphen
 * followed by six characters").
 */
const NAME_LIKE_SUFFIX =
  '(a secret whose name itself ends in "-" and 6 letters or digits must be given the same way, with its real suffix: its partial ARN cannot be told from a full one and would be denied at boot)';

export class TlsCertificate {
  /**
   * A SecureString parameter holding the PEM bundle, e.g. `/exchange/tls/mail`.
   * Encrypted with the AWS managed key `aws/ssm`, or with `kmsKeyArn`.
   */
  public static fromSsmParameter(
    name: string,
    options: { kmsKeyArn?: string } = {},
  ): TlsCertificate {
    return new TlsCertificate("ssm", name, options.kmsKeyArn);
  }

  /**
   * A secret whose string value is the PEM bundle, by its full ARN (with the
   * 6-character suffix Secrets Manager adds); a partial ARN is refused. A
   * secret whose name itself ends in `-` and 6 letters or digits must be given
   * with its real suffix too (`...:secret:tls-2024ab-XyZ789`): its partial ARN
   * looks like a full one, is accepted, and the role may read only that exact
   * ARN, so the fetch is denied at boot. No `<arn>-??????` wildcard: it would
   * also grant a secret whose name is the given ARN's last part.
   */
  public static fromSecretsManager(
    secretArn: string,
    options: { kmsKeyArn?: string } = {},
  ): TlsCertificate {
    return new TlsCertificate("secretsmanager", secretArn, options.kmsKeyArn);
  }

  private constructor(
    public readonly store: CertificateStore,
    /** Parameter name or secret ARN. */
    public readonly id: string,
    /** A customer managed key the item is encrypted with; the role may decrypt with it. */
    public readonly kmsKeyArn?: string,
  ) {}

  /** A problem with the name, or undefined. */
  public problem(): string | undefined {
    if (this.store === "ssm" && !/^\/?[A-Za-z0-9_.\-/]{1,1011}$/.test(this.id)) {
      return `SSM parameter name "${this.id}" has characters SSM refuses`;
    }
    // SSM: a name in a hierarchy is created and referenced with its leading "/" (AWS Systems
    // Manager User Guide, parameter hierarchies); GetParameter refuses it without.
    if (this.store === "ssm" && this.id.includes("/") && !this.id.startsWith("/")) {
      return `SSM parameter name "${this.id}" is in a hierarchy without a leading "/", which SSM refuses; give "/${this.id}"`;
    }
    if (
      this.store === "secretsmanager" &&
      !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(this.id)
    ) {
      return `"${this.id}" is not a Secrets Manager secret ARN`;
    }
    // A secret's ARN ends in "-" and 6 random characters; IAM matches the full ARN only. A name
    // that itself ends so passes this check: the full ARN is the only form that cannot mislead.
    if (this.store === "secretsmanager" && !/-[A-Za-z0-9]{6}$/.test(this.id)) {
      return `"${this.id}" is a partial secret ARN (without the 6-character suffix Secrets Manager adds), which the role's policy would not match; give the full ARN: aws secretsmanager describe-secret --secret-id <name> --query ARN ${NAME_LIKE_SUFFIX}`;
    }
    if (
      this.kmsKeyArn !== undefined &&
      !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(this.kmsKeyArn)
    ) {
      return `"${this.kmsKeyArn}" is not a KMS key ARN`;
    }
    return undefined;
  }
}
