/**
 * The AWS stand-in as a process: `npx ts-node lab/aws/main.ts CONFIG.json`.
 * Prints one line, `listening <port> control <port>`, once both servers
 * listen; stops by itself after `maxMs` (4 hours unless given), like the lab's
 * other stand-ins. The config (paths relative to the working directory):
 *   {
 *     "listen": { "host": "0.0.0.0", "port": 443 },          // port 0: any, as printed
 *     "control": { "host": "127.0.0.1", "port": 0 },         // lab/aws/control.ts
 *     "tls": { "cert": "server.pem", "key": "server.key" },
 *     "lab": { "partition": "aws", "region": "eu-west-2", "account": "123456789012" },
 *     "stack": "cdk.tf.json",            // its instance roles and their policies
 *     "instances": { "10.0.1.5": { "instanceId": "i-..", "networkInterfaceId": "eni-.." } },
 *                                        // default: labInstances(), ids from the addresses
 *     "roles": { "name": [ { "Statement": [..] } ] },   // more roles, or replacements
 *     "network": { "interfaces": [..], "routeTables": [..], "elasticIps": [..] },
 *     "parameters": [ { "name": "/exchange/tls/mail", "value": "..", "kmsKeyArn": ".." } ],
 *     "secrets": [ { "arn": "arn:aws:secretsmanager:..:secret:name-AbCdEf", "value": ".." } ],
 *     "objects": { "bucket/key": "text" or { "file": "path" } },
 *     "log": "calls.jsonl", "changes": "changes.jsonl", "maxMs": 14400000
 *   }
 */
import { appendFileSync, readFileSync } from "node:fs";
import { startControl } from "./control";
import type { PolicyDocument } from "./iam";
import type { NetworkChange, NetworkSetup } from "./network";
import { LabInstance, labInstances, rolePolicies } from "./role-policies";
import type { Objects } from "./s3";
import { AwsStandIn } from "./server";
import type { Parameter, Secret } from "./stores";

export interface StandInConfig {
  readonly listen?: { readonly host?: string; readonly port?: number };
  readonly control?: { readonly host?: string; readonly port?: number };
  readonly tls: { readonly cert: string; readonly key: string };
  readonly lab: { readonly partition: string; readonly region: string; readonly account: string };
  readonly stack?: string;
  readonly instances?: Readonly<Record<string, LabInstance>>;
  readonly roles?: Readonly<Record<string, readonly PolicyDocument[]>>;
  readonly network?: NetworkSetup;
  readonly parameters?: readonly Parameter[];
  readonly secrets?: readonly Secret[];
  readonly objects?: Objects;
  readonly log?: string;
  readonly changes?: string;
  readonly maxMs?: number;
}

/** The stand-in and its control endpoint, started from a config; the roles of its stack set. */
export async function startFromConfig(config: StandInConfig) {
  const changes: NetworkChange[] = [];
  const standIn = await AwsStandIn.start(
    {
      lab: config.lab,
      tls: config.tls,
      network: config.network,
      parameters: config.parameters,
      secrets: config.secrets,
      objects: config.objects,
      logFile: config.log,
      onChange: (change) => {
        changes.push(change);
        if (config.changes) appendFileSync(config.changes, `${JSON.stringify(change)}\n`);
      },
    },
    config.listen,
  );
  if (config.stack) {
    const json = JSON.parse(readFileSync(config.stack, "utf8"));
    const instances = config.instances ?? labInstances(json);
    for (const role of rolePolicies(json, { lab: standIn.lab, instances })) {
      standIn.credentials.setRolePolicies(role.roleName, role.policies);
    }
  }
  for (const [name, policies] of Object.entries(config.roles ?? {})) {
    standIn.credentials.setRolePolicies(name, policies);
  }
  const control = await startControl(standIn, changes, config.control);
  return { standIn, control };
}

if (require.main === module) {
  const config = JSON.parse(readFileSync(process.argv[2], "utf8")) as StandInConfig;
  startFromConfig(config).then(
    ({ standIn, control }) => {
      process.stdout.write(`listening ${standIn.port} control ${control.port}\n`);
      setTimeout(() => process.exit(0), config.maxMs ?? 4 * 3600 * 1000).unref();
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
