/**
 * IMDSv2 for one node, on 127.0.0.1: a token first (PUT /latest/api/token), which every
 * metadata request must carry (401 without it); the node's identity; the role's
 * credentials as the registry issues them, read afresh at each request.
 */
import { Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ImdsCredentials } from "../../lab/aws/credentials";

export interface NodeIdentity {
  readonly instanceId: string;
  readonly interfaceId: string;
  readonly mac: string;
  readonly region: string;
  readonly address: string;
  readonly roleName: string;
}

export interface RunningImds {
  readonly port: number;
  close(): Promise<void>;
}

export function startImds(
  node: NodeIdentity,
  credentials: () => ImdsCredentials,
): Promise<RunningImds> {
  const items: Record<string, () => string> = {
    "instance-id": () => node.instanceId,
    mac: () => node.mac,
    [`network/interfaces/macs/${node.mac}/interface-id`]: () => node.interfaceId,
    "placement/region": () => node.region,
    "local-ipv4": () => node.address,
    "iam/security-credentials/": () => node.roleName,
    [`iam/security-credentials/${node.roleName}`]: () => JSON.stringify(credentials()),
  };
  const server: Server = createServer((req, res) => {
    if (req.method === "PUT" && req.url === "/latest/api/token") return res.end("lab-token");
    if (req.headers["x-aws-ec2-metadata-token"] !== "lab-token") return res.writeHead(401).end();
    const item = items[(req.url ?? "").replace("/latest/meta-data/", "")];
    return item ? res.end(item()) : res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}
