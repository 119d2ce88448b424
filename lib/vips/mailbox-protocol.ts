import { Cited } from "../exchange/citation";
import { Persistence } from "../exchange/persistence";
import { VipKind } from "./describe";
import { persistenceNote } from "./notes";

/** A client mailbox protocol served on a plain port and a TLS port (IMAP4, POP3). */
export interface MailboxProtocol {
  readonly label: string;
  readonly names: readonly [plain: string, tls: string];
  readonly ports: readonly [plain: number, tls: number];
  readonly defaultPorts: Cited<readonly [number, number]>;
  /** Publish the TLS port only (the plain port is disabled on Exchange). */
  readonly tlsOnly: boolean;
  readonly persistence: Persistence;
  readonly defaultPersistence: Cited<Persistence>;
  /** The greeting a healthy server sends first, e.g. `* OK`. */
  readonly greeting: string;
  /** What the check sends to leave. */
  readonly goodbye: string;
  readonly shutdownSessionsOnDown: Cited<boolean>;
  /** The VIP's share of the load balancer's maxconn. */
  readonly maxconnShare: Cited<number>;
}

/**
 * The kind of a mailbox protocol VIP: both ports forwarded (or the TLS port
 * only), no persistence by default, health-checked by the greeting on the plain
 * port as 003 §3.1 checks 143 and 110, or over TLS on the TLS port when only it
 * is published, so a server with the plain port disabled is not marked down.
 */
export function mailboxKind(protocol: MailboxProtocol): VipKind {
  const [plain, tls] = protocol.ports;
  const [plainName, tlsName] = protocol.names;
  const checkPort = protocol.tlsOnly ? tls : plain;
  const published = protocol.tlsOnly
    ? `${tlsName} ${tls} only`
    : `${plainName} ${plain}, ${tlsName} ${tls}`;
  return {
    label: protocol.label,
    ports: protocol.tlsOnly ? [tls] : [plain, tls],
    persistence: protocol.persistence,
    healthCheck: {
      kind: "tcp",
      steps: [
        { connect: protocol.tlsOnly ? { port: tls, tls: true } : { port: plain } },
        { expectString: protocol.greeting },
        { send: protocol.goodbye },
      ],
    },
    notes: [
      `${published} [${protocol.defaultPorts.source}]; ${persistenceNote(protocol.persistence, protocol.defaultPersistence)}`,
      protocol.tlsOnly
        ? `health check: "${protocol.greeting}" greeting over TLS on ${checkPort}, the only port published`
        : `health check: "${protocol.greeting}" greeting on ${checkPort} [003 §3.1 IMAP/POP backends]`,
    ],
    shutdownSessionsOnDown: protocol.shutdownSessionsOnDown,
    maxconnShare: protocol.maxconnShare,
  };
}
