/**
 * What the instance role may read for TLS: exactly the SSM parameters and
 * secrets that hold the terminating VIPs' certificate bundles, and decrypt
 * with each store's customer managed keys through that store's service only
 * (kms:ViaService), nothing else. Rendered at synth, so VIPs
 * added later are included.
 */
import { Construct, IamRole, IamRolePolicy, Lazy } from "../framework";
import type { Arns } from "./arns";
import { BootingNodes, bootAfter } from "./instances";
import { NAME_PREFIX } from "./names";
import type { CertificateStore, TlsCertificate } from "../tls/tls-certificate";

export interface CertificatePolicySetup {
  readonly role: IamRole;
  readonly arns: Arns;
  /** They fetch the certificates at boot: created after this policy. */
  readonly bootingNodes: readonly BootingNodes[];
  readonly certificates: () => TlsCertificate[];
}

export class CertificatePolicy extends Construct {
  public readonly policy: IamRolePolicy;

  constructor(
    scope: Construct,
    id: string,
    { role, arns, bootingNodes, certificates }: CertificatePolicySetup,
  ) {
    super(scope, id);
    this.policy = new IamRolePolicy(this, "Policy", {
      namePrefix: `${NAME_PREFIX}certificates-`,
      role: role.id,
      policy: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              ...storeStatements(certificates(), "ssm", arns),
              ...storeStatements(certificates(), "secretsmanager", arns),
            ],
          }),
      }),
    });
    bootAfter(bootingNodes, [this.policy]);
  }
}

const STORE = {
  ssm: { read: "ssm:GetParameter", sid: "CertificateParameters" },
  secretsmanager: { read: "secretsmanager:GetSecretValue", sid: "CertificateSecrets" },
} as const;

/**
 * One store's statements: read its items, and decrypt with their keys only
 * through that store's service (kms:ViaService `<service>.<region>.<suffix>`),
 * so a parameter's key never serves a Secrets Manager call nor the reverse,
 * and never a direct Decrypt.
 */
function storeStatements(all: TlsCertificate[], store: CertificateStore, arns: Arns): object[] {
  const unique = (values: string[]) => [...new Set(values)];
  const inStore = all.filter((c) => c.store === store);
  if (inStore.length === 0) return [];
  const itemArn = (c: TlsCertificate) =>
    store === "ssm" ? arns.of("ssm", `parameter${c.id.startsWith("/") ? "" : "/"}${c.id}`) : c.id;
  const keys = unique(inStore.flatMap((c) => c.kmsKeyArn ?? []));
  const { read, sid } = STORE[store];
  return [
    { Sid: `Read${sid}`, Effect: "Allow", Action: [read], Resource: unique(inStore.map(itemArn)) },
    ...(keys.length === 0
      ? []
      : [
          {
            Sid: `Decrypt${sid}`,
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: keys,
            Condition: { StringEquals: { "kms:ViaService": arns.service(store) } },
          },
        ]),
  ];
}
