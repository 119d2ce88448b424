/**
 * A throwaway certificate authority and a server certificate it signs for the
 * given DNS names and IP addresses, made with `openssl`, for the stand-in's
 * TLS in tests (the VM image brings its own CA and passes the files).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LabCertificates {
  readonly dir: string;
  /** The CA certificate clients trust (AWS_CA_BUNDLE, curl --cacert). */
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
}

const openssl = (args: readonly string[]) => execFileSync("openssl", args, { stdio: "pipe" });

/** A CA's certificate and key files: the boot lab's image trusts scripts/vm-image.sh's. */
export interface CertificateAuthority {
  readonly cert: string;
  readonly key: string;
}

export function makeCertificates(
  names: readonly string[],
  addresses: readonly string[] = ["127.0.0.1"],
  dir = mkdtempSync(join(tmpdir(), "lab-aws-tls-")),
  authority?: CertificateAuthority,
): LabCertificates {
  mkdirSync(dir, { recursive: true });
  const at = (file: string) => join(dir, file);
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = authority ?? { cert: at("ca.pem"), key: at("ca.key") };
  if (!authority) {
    openssl(
      ["req", "-x509", ...key, "-keyout", ca.key, "-out", ca.cert, "-days", "2"]
        .concat(["-subj", "/CN=exchange-lb lab CA", "-addext", "basicConstraints=critical,CA:TRUE"])
        .concat(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
    );
  }
  openssl(
    ["req", "-new", ...key, "-keyout", at("server.key"), "-out", at("server.csr")].concat([
      "-subj",
      `/CN=${names[0] ?? addresses[0]}`,
    ]),
  );
  const san = [...names.map((n) => `DNS:${n}`), ...addresses.map((a) => `IP:${a}`)].join(",");
  writeFileSync(
    at("server.ext"),
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(
    ["x509", "-req", "-in", at("server.csr"), "-CA", ca.cert, "-CAkey", ca.key].concat([
      "-CAserial",
      at("ca.srl"),
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      at("server.ext"),
      "-out",
      at("server.pem"),
    ]),
  );
  return { dir, caCert: ca.cert, cert: at("server.pem"), key: at("server.key") };
}

/** The regional endpoint names the stand-in answers for, with S3's virtual-hosted wildcard. */
export function endpointNames(region: string, dnsSuffix = "amazonaws.com"): string[] {
  return ["ec2", "ssm", "secretsmanager", "monitoring", "logs", "autoscaling", "s3", "*.s3"].map(
    (s) => `${s}.${region}.${dnsSuffix}`,
  );
}
