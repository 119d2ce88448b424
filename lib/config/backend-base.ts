/**
 * What every backend of a VIP shares (balance, persistence table, timeouts,
 * health-check timing, servers with weights) and where its frontends bind,
 * given the profile and the pair. Pure.
 */
import { ExchangeProfile } from "../exchange/profiles";
import { RealServerState } from "../exchange/real-server";
import { Backend, Server } from "../haproxy/model";
import { VipDescription } from "../vips/description";

export interface SectionContext {
  readonly profile: ExchangeProfile;
  /** The peers section stick tables are synchronised with (a pair). */
  readonly peers?: string;
  /** Bind `0.0.0.0` instead of the VIP address (an Elastic IP reaches each node on its own address). */
  readonly wildcardBinds: boolean;
  /** A fleet's nodes balance on their own: persistence by client address needs one choice on all. */
  readonly fleet?: boolean;
}

/**
 * Why a fleet's persistent VIP hashes the client address: each node has its own stick table,
 * and the NLB keeps a client on one node per port only.
 */
export const FLEET_SOURCE_HASH_COMMENT =
  "balance source, hash-type consistent: on a fleet every node and every port of the VIP picks the same real server for a client address (each node has its own stick table; the NLB keeps a client on one node per port) [HAProxy 2.6 manual, 4.2 balance source, hash-type]";

export function bindAddress(vip: VipDescription, context: SectionContext): string {
  return context.wildcardBinds ? "0.0.0.0" : vip.address;
}

export type BackendBase = Pick<
  Backend,
  "balance" | "hashType" | "stickTable" | "timeouts" | "serverDefaults" | "servers"
>;

export function backendBase(vip: VipDescription, context: SectionContext): BackendBase {
  const p = context.profile;
  const { persistence, timeouts } = vip;
  const timing = vip.healthCheckTiming ?? {};
  const ownTiming =
    timing.interval !== undefined || timing.rise !== undefined || timing.fall !== undefined;
  // Only what differs from the defaults section's default-server line.
  const serverDefaults = {
    ...(ownTiming
      ? {
          inter: timing.interval ?? p.checkInterval.value,
          rise: timing.rise ?? p.checkRise.value,
          fall: timing.fall ?? p.checkFall.value,
        }
      : {}),
    ...(vip.shutdownSessionsOnDown ? { shutdownSessionsOnDown: true } : {}),
  };
  const hashed = context.fleet === true && persistence.timeout !== undefined;
  return {
    balance: hashed ? "source" : vip.balance,
    hashType: hashed ? "consistent" : undefined,
    stickTable: persistence.timeout
      ? {
          type: "ip",
          size: persistence.tableSize ?? "100k",
          expire: persistence.timeout,
          key: { kind: "source" },
          peers: context.peers,
        }
      : undefined,
    timeouts: { server: timeouts.server, connect: timeouts.connect, check: timing.timeout },
    serverDefaults: Object.keys(serverDefaults).length > 0 ? serverDefaults : undefined,
    servers: vip.servers.map((server) => ({
      name: server.name,
      address: server.address,
      weight: server.weight ?? p.serverWeight.value,
      admin: adminOf(server.state),
    })),
  };
}

function adminOf(state: RealServerState | undefined): Server["admin"] {
  if (state === RealServerState.DRAIN) return "drain";
  if (state === RealServerState.MAINTENANCE) return "maintenance";
  return undefined;
}
