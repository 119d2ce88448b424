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
}

export function bindAddress(vip: VipDescription, context: SectionContext): string {
  return context.wildcardBinds ? "0.0.0.0" : vip.address;
}

export type BackendBase = Pick<
  Backend,
  "balance" | "stickTable" | "timeouts" | "serverDefaults" | "servers"
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
  return {
    balance: vip.balance,
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
