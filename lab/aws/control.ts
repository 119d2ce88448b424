/**
 * The stand-in's control endpoint, plain HTTP on a separate port (loopback by
 * default), for a lab process that is not this one, such as an IMDS stand-in:
 *   GET  /roles                  the role names the stand-in knows
 *   POST /credentials            {"instanceId","roleName"} -> the JSON IMDS serves at
 *                                /latest/meta-data/iam/security-credentials/<roleName>
 *   PUT  /roles/<roleName>       a JSON array of policy documents: the role's new policies
 *   GET  /calls, /changes, /network   the call log, the network changes, the network now
 *   GET  /metrics                the PutMetricData calls CloudWatch accepted
 */
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { NetworkChange } from "./network";
import type { AwsStandIn } from "./server";

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

function route(
  standIn: AwsStandIn,
  changes: readonly NetworkChange[],
  req: IncomingMessage,
  body: unknown,
) {
  const path = (req.url ?? "/").split("?")[0];
  const network = standIn.network;
  const reads: Record<string, () => unknown> = {
    "/roles": () => standIn.credentials.roleNames(),
    "/calls": () => standIn.calls,
    "/metrics": () => standIn.metricPuts,
    "/changes": () => changes,
    "/network": () => ({
      interfaces: [...network.interfaces.values()],
      routeTables: [...network.routeTables.values()],
      elasticIps: [...network.elasticIps.values()],
    }),
  };
  if (req.method === "GET" && reads[path]) return reads[path]();
  if (req.method === "POST" && path === "/credentials") {
    const { instanceId, roleName } = body as { instanceId: string; roleName: string };
    return standIn.issueCredentials(instanceId, roleName);
  }
  const role = /^\/roles\/([\w+=,.@-]+)$/.exec(path);
  if (req.method === "PUT" && role && Array.isArray(body)) {
    standIn.credentials.setRolePolicies(role[1], body);
    return { roleName: role[1], policies: body.length };
  }
  throw new Error(`no ${req.method} ${path}`);
}

export async function startControl(
  standIn: AwsStandIn,
  changes: readonly NetworkChange[],
  listen: { readonly host?: string; readonly port?: number } = {},
): Promise<Server & { readonly port: number }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    bodyOf(req)
      .then((body) => {
        const answer = route(standIn, changes, req, body);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      })
      .catch((error: Error) => res.writeHead(400).end(`${error.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", resolve);
  });
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}
