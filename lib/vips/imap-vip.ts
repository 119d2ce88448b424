import { mailboxKind } from "./mailbox-protocol";
import { VipOptions } from "./options";
import { ExchangeVip } from "./vip";
import { VipHost } from "./vip-host";

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
  /**
   * Publish IMAPS only, for an organisation that disables IMAP4 on Exchange: the
   * plain port is not forwarded and the health check speaks TLS to IMAPS.
   * @default false: both ports, checked on the plain port [003 §3.1]
   */
  readonly tlsOnly?: boolean;
}

/** IMAP4 and IMAPS (001 §11 VIP3 "CAS-IMAP4", 004 §11 VIP2), health-checked by the `* OK` greeting. */
export class ImapVip extends ExchangeVip {
  constructor(lb: VipHost, id: string, props: ImapVipProps = {}) {
    const { imap, mailPersistence, shutdownSessionsOnDown, mailConnectionShare } =
      lb.vipDefaults.profile;
    super(
      lb,
      id,
      props,
      mailboxKind({
        label: "CAS-IMAP4",
        names: ["IMAP4", "IMAPS"],
        ports: [props.imapPort ?? imap.ports.value[0], props.imapsPort ?? imap.ports.value[1]],
        tlsOnly: props.tlsOnly ?? false,
        defaultPorts: imap.ports,
        persistence: props.persistence ?? mailPersistence.value,
        defaultPersistence: mailPersistence,
        greeting: "* OK",
        goodbye: "A1 LOGOUT\r\n",
        shutdownSessionsOnDown: shutdownSessionsOnDown.mailbox,
        maxconnShare: mailConnectionShare,
      }),
    );
  }
}
