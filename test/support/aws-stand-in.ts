/**
 * The lab's AWS stand-in on 127.0.0.1 with a throwaway CA, and Debian's real
 * AWS CLI (/usr/bin/aws, the package the instances install; never another
 * `aws` on PATH) pointed at it with credentials from its registry. The CLI
 * runs as a child process without blocking: the server answers in this one.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabCertificates, endpointNames, makeCertificates } from "../../lab/aws/certificates";
import type { ImdsCredentials } from "../../lab/aws/credentials";
import { AwsStandIn, StandInOptions } from "../../lab/aws/server";

export const AWS_CLI = "/usr/bin/aws";
export const LAB = { partition: "aws", region: "eu-west-2", account: "123456789012" };

export interface Running {
  readonly standIn: AwsStandIn;
  readonly tls: LabCertificates;
  readonly endpoint: string;
  /** The CLI's HOME: empty, so no config or cache of the host's applies. */
  readonly home: string;
}

export async function startStandIn(options: Omit<StandInOptions, "lab" | "tls">): Promise<Running> {
  const tls = makeCertificates(endpointNames(LAB.region));
  const standIn = await AwsStandIn.start({ lab: LAB, tls, ...options });
  const home = mkdtempSync(join(tmpdir(), "lab-aws-home-"));
  return { standIn, tls, endpoint: `https://127.0.0.1:${standIn.port}`, home };
}

/** Stops the stand-in and removes its certificates and the CLI's HOME. */
export async function stopStandIn(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.standIn.close();
  for (const dir of [running.tls.dir, running.home]) rmSync(dir, { recursive: true, force: true });
}

/** The environment a CLI call gets: these keys, the lab CA, no config file, no IMDS. */
export function cliEnvironment(
  running: Running,
  credentials?: Pick<ImdsCredentials, "AccessKeyId" | "SecretAccessKey"> & { Token?: string },
): Record<string, string> {
  const home = running.home;
  return {
    PATH: "/usr/bin:/bin",
    HOME: home,
    AWS_CONFIG_FILE: join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
    AWS_CA_BUNDLE: running.tls.caCert,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_DEFAULT_REGION: LAB.region,
    AWS_PAGER: "",
    ...(credentials && {
      AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
      ...(credentials.Token && { AWS_SESSION_TOKEN: credentials.Token }),
    }),
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One real AWS CLI call against the stand-in. */
export function aws(
  running: Running,
  credentials: Parameters<typeof cliEnvironment>[1],
  args: readonly string[],
): Promise<CliResult> {
  const env = cliEnvironment(running, credentials);
  return new Promise((resolve) =>
    execFile(
      AWS_CLI,
      ["--endpoint-url", running.endpoint, "--cli-read-timeout", "10", ...args],
      { env, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
