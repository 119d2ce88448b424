/**
 * Each real server's lines, one per source address: the server's own line leaves from the
 * primary address (the defaults' `source`) and checks; each extra line leaves from one extra
 * address and tracks it, so the server has one health check, one state (a drain or halt set
 * on it reaches its lines) and as many ephemeral ranges as the node has source addresses.
 * Same order on every node, so a pair's persistence entries name the same lines. Pure.
 */
import { Backend, Server } from "../haproxy/model";
import { sourceAddressWord, sourceLineName } from "../instance/source-addresses";

export function withSourceLines(backend: Backend, extraAddresses: number): Backend {
  if (extraAddresses === 0) return backend;
  const lines = (server: Server): Server[] => [
    server,
    ...Array.from({ length: extraAddresses }, (_, i) => ({
      ...server,
      name: sourceLineName(server.name, i + 2),
      track: server.name,
      source: sourceAddressWord(i + 2),
    })),
  ];
  return { ...backend, servers: backend.servers.flatMap(lines) };
}
