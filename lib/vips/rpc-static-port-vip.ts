import { fail } from "../core/errors";
import { STATIC_RPC_PORT_RANGE } from "../exchange/profiles";
import { VipKind } from "./describe";
import { persistenceNote } from "./notes";
import { VipOptions } from "./options";
import { ExchangeVip, vipPath } from "./vip";
import { VipDefaults, VipHost } from "./vip-host";

export interface RpcStaticPortVipProps extends VipOptions {
  /**
   * Static port of the RPC Client Access service (registry `TCP/IP Port`), 59531-60554.
   * @default 60200 [001 §10 step 2]
   */
  readonly rpcClientAccessPort?: number;
  /**
   * Static port of the Address Book service (registry `RpcTcpPort`), 59531-60554.
   * @default 60201 [001 §10 step 2]
   */
  readonly addressBookPort?: number;
}

/**
 * Outlook's RPC/TCP for Exchange 2010: the endpoint mapper (135) and the two
 * static ports (001 §11 VIP2 "CAS-RPC"). One backend serves all three ports, so
 * one persistence table keeps a client on the same CAS for all of them, and a
 * server counts as up only when all three ports answer [003 §3.1].
 */
export class RpcStaticPortVip extends ExchangeVip {
  /** The RPC Client Access service's static port (registry `TCP/IP Port`). */
  public readonly rpcClientAccessPort: number;
  /** The Address Book service's static port (registry `RpcTcpPort`). */
  public readonly addressBookPort: number;

  constructor(lb: VipHost, id: string, props: RpcStaticPortVipProps = {}) {
    const kind = rpcKind(vipPath(lb, id), lb.vipDefaults, props);
    super(lb, id, props, kind);
    [, this.rpcClientAccessPort, this.addressBookPort] = kind.ports;
  }
}

function rpcKind(path: string, defaults: VipDefaults, props: RpcStaticPortVipProps): VipKind {
  const { profile } = defaults;
  const rpc = profile.rpc;
  if ("unsupported" in rpc) {
    fail(
      path,
      `RpcStaticPortVip is refused for Exchange ${profile.version}. ${rpc.unsupported}`,
      "remove the RpcStaticPortVip (CasHttpsVip carries Outlook), or set exchangeVersion to EXCHANGE_2010",
    );
  }
  const epm = rpc.endpointMapperPort.value;
  const rca = props.rpcClientAccessPort ?? rpc.rpcClientAccessPort.value;
  const ab = props.addressBookPort ?? rpc.addressBookPort.value;
  const { min, max } = STATIC_RPC_PORT_RANGE;
  for (const [name, port] of [
    ["rpcClientAccessPort", rca],
    ["addressBookPort", ab],
  ] as const) {
    if (!Number.isInteger(port) || port < min || port > max) {
      fail(
        path,
        `${name} ${port} is outside the static RPC range ${min}-${max}`,
        `pick a port from ${min} to ${max} [001 §10 step 2]`,
      );
    }
  }
  if (rca === ab) {
    fail(
      path,
      `rpcClientAccessPort and addressBookPort are both ${rca}`,
      "give the two services different ports [001 §10 step 2]",
    );
  }
  const persistence = props.persistence ?? rpc.persistence.value;
  return {
    label: "CAS-RPC",
    ports: [epm, rca, ab],
    persistence,
    // All three must answer: a CAS without its address book breaks Outlook [003 §3.1].
    healthCheck: { kind: "tcp", steps: [epm, rca, ab].map((port) => ({ connect: { port } })) },
    notes: [
      `RPC endpoint mapper ${epm}, RPC Client Access ${rca}, Address Book ${ab}; ${persistenceNote(persistence, rpc.persistence)}`,
      "health check: all three ports must accept a connection [003 §3.1 per-CAS RPC monitoring]",
    ],
    exchangeSide: { kind: "static-rpc-ports", rpcClientAccessPort: rca, addressBookPort: ab },
    shutdownSessionsOnDown: profile.shutdownSessionsOnDown.mailbox,
  };
}
