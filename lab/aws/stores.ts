/**
 * SSM Parameter Store's GetParameter and Secrets Manager's GetSecretValue (JSON
 * 1.1 protocol, `X-Amz-Target: AmazonSSM.GetParameter` and
 * `secretsmanager.GetSecretValue`), serving the lab's values. The read is
 * authorized on the item's full ARN; an item encrypted with a customer managed
 * key also needs kms:Decrypt on the key, which the service asks for on the
 * caller's behalf, so the request context carries kms:ViaService
 * `<service>.<region>.<suffix>` (AWS KMS Developer Guide, "kms:ViaService").
 */
import { LabAccount, arnOf, jsonRefusal } from "./authorizer";
import { Reply, ServiceError, jsonError, jsonReply } from "./replies";
import type { Service, ServiceCall } from "./service";

export interface Parameter {
  /** As SSM names it: `/exchange/tls/mail` or `plain-name`. */
  readonly name: string;
  readonly value: string;
  readonly type?: "String" | "SecureString";
  /** A customer managed key (SecureString); without it, the AWS managed aws/ssm key. */
  readonly kmsKeyArn?: string;
}

export interface Secret {
  /** The full ARN, with the 6 characters Secrets Manager appends to the name. */
  readonly arn: string;
  readonly value: string;
  readonly kmsKeyArn?: string;
}

const target = (call: ServiceCall) => String(call.request.headers["x-amz-target"] ?? "");

const body = (call: ServiceCall): Record<string, unknown> => {
  try {
    return JSON.parse(call.request.body.toString("utf8") || "{}");
  } catch {
    throw new ServiceError(
      "SerializationException",
      "Start of structure or map found where not expected.",
    );
  }
};

/** The service decrypts on the caller's behalf: kms:Decrypt through this service only. */
function decryptThrough(call: ServiceCall, service: string, key: string | undefined) {
  if (!key) return;
  const lab = call.lab;
  call.authorize("kms:Decrypt", [key], {
    "kms:ViaService": `${service}.${lab.region}.${lab.dnsSuffix}`,
    "kms:CallerAccount": lab.account,
  });
}

const epoch = () => Math.floor(Date.now() / 1000);

/**
 * The name a GetParameter names, by name or ARN (`parameter/a/b` is `/a/b`,
 * `parameter/simple` is `simple`). A name in a hierarchy must start with "/"
 * (SSM API Reference, PutParameter Name: "For parameters in a hierarchy, you
 * must include a leading forward slash character (/) when you create or
 * reference a parameter"): refused otherwise (the wording is the lab's).
 */
function parameterName(given: string): string {
  const arn = /^arn:[^:]+:ssm:[^:]+:\d+:parameter\/(.*)$/.exec(given);
  const name = arn ? (arn[1].includes("/") ? `/${arn[1]}` : arn[1]) : given;
  if (name.includes("/") && !name.startsWith("/")) {
    throw new ServiceError(
      "ValidationException",
      `Invalid parameter name ${name}: a name in a hierarchy must be fully qualified with a leading forward slash (/).`,
    );
  }
  return name;
}

export function ssmService(parameters: readonly Parameter[]): Service {
  return {
    name: "ssm",
    protocol: "json",
    anonymous: false,
    refuse: jsonRefusal,
    error: jsonError,
    handle(call: ServiceCall): Reply {
      const operation = target(call).replace(/^AmazonSSM\./, "");
      call.named(`ssm:${operation}`);
      if (operation !== "GetParameter") {
        throw new ServiceError(
          "UnknownOperationException",
          `the lab's SSM does not implement ${operation}`,
        );
      }
      const { Name, WithDecryption } = body(call) as { Name?: string; WithDecryption?: boolean };
      const name = parameterName(String(Name ?? ""));
      const arn = arnOf(call.lab, "ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`);
      call.authorize("ssm:GetParameter", [arn]);
      const found = parameters.find((p) => p.name === name);
      if (!found) throw new ServiceError("ParameterNotFound", "");
      const secure = (found.type ?? "SecureString") === "SecureString";
      if (secure && WithDecryption) decryptThrough(call, "ssm", found.kmsKeyArn);
      const value =
        secure && !WithDecryption ? Buffer.from(found.value).toString("base64") : found.value;
      return jsonReply(
        {
          Parameter: {
            Name: found.name,
            Type: secure ? "SecureString" : "String",
            Value: value,
            Version: 1,
            LastModifiedDate: epoch(),
            ARN: arn,
            DataType: "text",
          },
        },
        call.requestId,
      );
    },
  };
}

/** A secret named by its name, its full ARN, or its ARN without the 6-character suffix. */
function findSecret(secrets: readonly Secret[], id: string, lab: LabAccount): Secret | undefined {
  const partial = (arn: string) => arn.replace(/-[A-Za-z0-9]{6}$/, "");
  const nameOf = (arn: string) => partial(arn).split(":secret:")[1];
  return secrets.find(
    (s) =>
      s.arn === id ||
      partial(s.arn) === id ||
      nameOf(s.arn) === id ||
      arnOf(lab, "secretsmanager", `secret:${nameOf(s.arn)}`) === id,
  );
}

export function secretsManagerService(secrets: readonly Secret[]): Service {
  return {
    name: "secretsmanager",
    protocol: "json",
    anonymous: false,
    refuse: jsonRefusal,
    error: jsonError,
    handle(call: ServiceCall): Reply {
      const operation = target(call).replace(/^secretsmanager\./, "");
      call.named(`secretsmanager:${operation}`);
      if (operation !== "GetSecretValue") {
        throw new ServiceError(
          "UnknownOperationException",
          `the lab's Secrets Manager does not implement ${operation}`,
        );
      }
      const id = String(body(call).SecretId ?? "");
      const found = findSecret(secrets, id, call.lab);
      // IAM decides on the secret's full ARN, whatever the caller named it by.
      call.authorize("secretsmanager:GetSecretValue", [
        found?.arn ??
          (id.startsWith("arn:") ? id : arnOf(call.lab, "secretsmanager", `secret:${id}`)),
      ]);
      if (!found) {
        throw new ServiceError(
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.",
        );
      }
      decryptThrough(call, "secretsmanager", found.kmsKeyArn);
      return jsonReply(
        {
          ARN: found.arn,
          Name: found.arn.split(":secret:")[1].replace(/-[A-Za-z0-9]{6}$/, ""),
          VersionId: "00000000-0000-0000-0000-000000000001",
          SecretString: found.value,
          VersionStages: ["AWSCURRENT"],
          CreatedDate: epoch(),
        },
        call.requestId,
      );
    },
  };
}
