/** Synth-time checks of what a VIP is given: names, servers, sources, health-check counts. */
import { Scope, fail } from "../core/errors";
import { HealthCheckOptions } from "../exchange/health-check";
import { RealServer, RealServerState } from "../exchange/real-server";
import { Token } from "../framework";
import { SOURCE_LINE_NAME, SOURCE_LINE_SUFFIX } from "../instance/source-addresses";
import { isIpv4 } from "../net/ipv4";
import { parseSource, sourceToCidrs } from "../net/source-range";

/** A valid HAProxy section or server name. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** A VIP's own connection limit: a whole number from 1 (the load balancer's is checked at synth). */
export function validateMaxconn(scope: Scope, maxconn: number | undefined): void {
  if (maxconn === undefined || (Number.isInteger(maxconn) && maxconn >= 1)) return;
  fail(
    scope,
    `maxconn ${maxconn} is not a whole number from 1`,
    "give the connections this VIP may hold at once, e.g. 2000",
  );
}

/** Checks a server list: not empty, valid names, addresses and weights, no duplicates. */
export function validateServers(scope: Scope, servers: readonly RealServer[]): RealServer[] {
  if (servers.length === 0) {
    fail(
      scope,
      "no real servers",
      "give at least one server: { name: 'CAS1', address: '10.0.0.20' }",
    );
  }
  const names = new Set<string>();
  const addresses = new Set<string>();
  for (const server of servers) {
    checkServer(scope, server);
    if (names.has(server.name))
      fail(scope, `server name ${server.name} is used twice`, "give each server its own name");
    if (addresses.has(server.address)) {
      fail(scope, `server address ${server.address} is used twice`, "list each server once");
    }
    names.add(server.name);
    addresses.add(server.address);
  }
  return [...servers];
}

function checkServer(scope: Scope, server: RealServer): void {
  if (!NAME.test(server.name)) {
    fail(
      scope,
      `server name "${server.name}" is not a valid HAProxy name`,
      "use letters, digits, _ . : -",
    );
  }
  if (SOURCE_LINE_NAME.test(server.name)) {
    fail(
      scope,
      `server name "${server.name}" ends like a source line's (${server.name.replace(SOURCE_LINE_NAME, "")}${SOURCE_LINE_SUFFIX}<n>: another source address of ${server.name.replace(SOURCE_LINE_NAME, "")})`,
      "give the server a name that does not end in :src and a number, e.g. its host name",
    );
  }
  if (Token.isUnresolved(server.address)) {
    fail(
      scope,
      `server ${server.name} address is a token, but it is written into haproxy.cfg at synth time`,
      "give the address as a literal a.b.c.d",
    );
  }
  if (!isIpv4(server.address)) {
    fail(
      scope,
      `server ${server.name} address "${server.address}" is not an IPv4 address`,
      "give a.b.c.d",
    );
  }
  const weight = server.weight;
  if (weight !== undefined && (!Number.isInteger(weight) || weight < 0 || weight > 256)) {
    fail(
      scope,
      `server ${server.name} weight ${weight} is outside HAProxy's 0-256`,
      "give a whole weight from 0 to 256",
    );
  }
  const states = Object.values(RealServerState) as string[];
  if (server.state !== undefined && !states.includes(server.state)) {
    fail(
      scope,
      `server ${server.name} state "${server.state}" is not a real server state`,
      `give one of ${states.join(", ")} (RealServerState)`,
    );
  }
}

/** No server takes new connections: every one is drained (state or weight 0) or in maintenance. */
export function noServerReady(servers: readonly RealServer[]): boolean {
  return servers.every(
    (server) =>
      (server.state ?? RealServerState.READY) !== RealServerState.READY || server.weight === 0,
  );
}

/** Allowed sources as CIDR blocks, deduplicated, in the order given. */
export function resolveSources(scope: Scope, sources: readonly string[]): string[] {
  if (sources.length === 0) {
    fail(scope, "no allowed sources", "give at least one address, CIDR block or range");
  }
  const cidrs: string[] = [];
  for (const source of sources) {
    const range = parseSource(source);
    if (typeof range === "string") {
      fail(
        scope,
        range,
        "give an address (10.0.0.5), a CIDR block (10.0.0.0/24) or a range (10.0.0.50-60)",
      );
    }
    cidrs.push(...sourceToCidrs(source));
  }
  return [...new Set(cidrs)];
}

export function validateHealthCheck(scope: Scope, options: HealthCheckOptions | undefined): void {
  for (const key of ["rise", "fall"] as const) {
    const value = options?.[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 100)) {
      fail(
        scope,
        `health check ${key} ${value} is not a count from 1 to 100`,
        `give healthCheck.${key} as a whole number`,
      );
    }
  }
}

export function validatePorts(scope: Scope, ports: readonly number[]): void {
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      fail(scope, `port ${port} is outside 1-65535`, "give a TCP port between 1 and 65535");
    }
  }
}
