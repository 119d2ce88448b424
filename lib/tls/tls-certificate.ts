/**
 * Where a terminating VIP's certificate comes from: a PEM bundle (certificate,
 * chain, private key) kept in SSM Parameter Store as a SecureString or in
 * Secrets Manager, fetched at boot by the instance role, which may read that
 * one item only. Never in user-data, never in clear in the Terraform state:
 * Terraform sees only the name. Pure.
 */

export type CertificateStore = "ssm" | "secretsmanager";

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
   * 6-character suffix Secrets Manager adds); a partial ARN is refused.
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
    if (
      this.store === "secretsmanager" &&
      !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(this.id)
    ) {
      return `"${this.id}" is not a Secrets Manager secret ARN`;
    }
    // A secret's ARN ends in "-" and 6 random characters; IAM matches the full ARN only.
    if (this.store === "secretsmanager" && !/-[A-Za-z0-9]{6}$/.test(this.id)) {
      return `"${this.id}" is a partial secret ARN (without the 6-character suffix Secrets Manager adds), which the role's policy would not match; give the full ARN: aws secretsmanager describe-secret --secret-id <name> --query ARN`;
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
