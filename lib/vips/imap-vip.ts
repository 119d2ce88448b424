import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { greetingCheck } from "./greeting-check";
import { ExchangeVip, VipOptions, persistenceNote } from "./vip";

export interface ImapVipProps extends VipOptions {
  /**
   * IMAP4 port.
   * @default 143 [001 §11 VIP3, 004 §11 VIP2]
   */
  readonly imapPort?: number;
  /**
   * IMAP4 over TLS port.
   * @default 993 [001 §11 VIP3, 004 §11 VIP2]
   */
  readonly imapsPort?: number;
}

/** IMAP4 and IMAPS (001 §11 VIP3 "CAS-IMAP4", 004 §11 VIP2), health-checked by the `* OK` greeting. */
export class ImapVip extends ExchangeVip {
  constructor(lb: ExchangeLoadBalancer, id: string, props: ImapVipProps = {}) {
    const [imap, imaps] = lb.profile.imap.ports.value;
    const imapPort = props.imapPort ?? imap;
    const persistence = props.persistence ?? lb.profile.mailPersistence.value;
    super(lb, id, props, {
      label: "CAS-IMAP4",
      ports: [imapPort, props.imapsPort ?? imaps],
      persistence,
      healthCheck: greetingCheck(imapPort, { expectString: "* OK" }, "A1 LOGOUT\\r\\n"),
      notes: [
        `IMAP4 ${imapPort}, IMAPS ${props.imapsPort ?? imaps} [${lb.profile.imap.ports.source}]; ${persistenceNote(persistence, lb.profile.mailPersistence)}`,
        `health check: "* OK" greeting on ${imapPort} [003 §3.1 checks port 143]`,
      ],
    });
  }
}
