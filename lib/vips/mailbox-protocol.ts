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
  readonly persistence: Persistence;
  readonly defaultPersistence: Cited<Persistence>;
  /** The greeting a healthy server sends first, e.g. `* OK`. */
  readonly greeting: string;
  /** What the check sends to leave. */
  readonly goodbye: string;
}

/**
 * The kind of a mailbox protocol VIP: both ports forwarded, no persistence by
 * default, health-checked by the greeting on the plain port, as 003 §3.1
 * checks 143 and 110.
 */
export function mailboxKind(protocol: MailboxProtocol): VipKind {
  const [plain, tls] = protocol.ports;
  const [plainName, tlsName] = protocol.names;
  return {
    label: protocol.label,
    ports: [plain, tls],
    persistence: protocol.persistence,
    healthCheck: {
      kind: "tcp",
      steps: [
        { connect: { port: plain } },
        { expectString: protocol.greeting },
        { send: protocol.goodbye },
      ],
    },
    notes: [
      `${plainName} ${plain}, ${tlsName} ${tls} [${protocol.defaultPorts.source}]; ${persistenceNote(protocol.persistence, protocol.defaultPersistence)}`,
      `health check: "${protocol.greeting}" greeting on ${plain} [003 §3.1 IMAP/POP backends]`,
    ],
  };
}
