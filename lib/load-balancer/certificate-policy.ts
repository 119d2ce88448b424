/**
 * What the instance role may read for TLS: exactly the SSM parameters and
 * secrets that hold the terminating VIPs' certificate bundles, and decrypt
 * with their customer managed keys through those two services only
 * (kms:ViaService), nothing else. Rendered at synth, so VIPs
 * added later are included.
 */
import { Construct, IamRole, IamRolePolicy, Instance, Lazy } from "../framework";
import type { Arns } from "./arns";
import { bootAfter } from "./instances";
import { NAME_PREFIX } from "./names";
import type { TlsCertificate } from "../tls/tls-certificate";

export interface CertificatePolicySetup {
  readonly role: IamRole;
  readonly arns: Arns;
  /** They fetch the certificates at boot: created after this policy. */
  readonly instances: readonly Instance[];
  readonly certificates: () => TlsCertificate[];
}

export class CertificatePolicy extends Construct {
  public readonly policy: IamRolePolicy;

  constructor(
    scope: Construct,
    id: string,
    { role, arns, instances, certificates }: CertificatePolicySetup,
  ) {
    super(scope, id);
    const parameterArn = (name: string) =>
      arns.of("ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`);
    this.policy = new IamRolePolicy(this, "Policy", {
      namePrefix: `${NAME_PREFIX}certificates-`,
      role: role.id,
      policy: Lazy.stringValue({
        produce: () => {
          const all = certificates();
          const unique = (values: string[]) => [...new Set(values)];
          const parameters = unique(
            all.filter((c) => c.store === "ssm").map((c) => parameterArn(c.id)),
          );
          const secrets = unique(all.filter((c) => c.store === "secretsmanager").map((c) => c.id));
          const encrypted = all.filter((c) => c.kmsKeyArn !== undefined);
          const keys = unique(encrypted.map((c) => c.kmsKeyArn as string));
          // The keys decrypt only what SSM or Secrets Manager hands the role, never a direct call.
          const services = unique(encrypted.map((c) => arns.service(c.store)));
          const statements = [
            parameters.length > 0 && {
              Sid: "ReadCertificateParameters",
              Effect: "Allow",
              Action: ["ssm:GetParameter"],
              Resource: parameters,
            },
            secrets.length > 0 && {
              Sid: "ReadCertificateSecrets",
              Effect: "Allow",
              Action: ["secretsmanager:GetSecretValue"],
              Resource: secrets,
            },
            keys.length > 0 && {
              Sid: "DecryptCertificates",
              Effect: "Allow",
              Action: ["kms:Decrypt"],
              Resource: keys,
              Condition: { StringEquals: { "kms:ViaService": services } },
            },
          ].filter(Boolean);
          return JSON.stringify({ Version: "2012-10-17", Statement: statements });
        },
      }),
    });
    bootAfter(instances, [this.policy]);
  }
}
