import { mailboxKind } from "./mailbox-protocol";
import { VipOptions } from "./options";
import { ExchangeVip } from "./vip";
import { VipHost } from "./vip-host";

export interface PopVipProps extends VipOptions {
  /**
   * POP3 port.
   * @default 110 [001 §11 VIP3 note, 004 §11 VIP2 note]
   */
  readonly popPort?: number;
  /**
   * POP3 over TLS port.
   * @default 995 [001 §11 VIP3 note, 004 §11 VIP2 note]
   */
  readonly popsPort?: number;
  /**
   * Publish POP3S only, for an organisation that disables POP3 on Exchange: the
   * plain port is not forwarded and the health check speaks TLS to POP3S.
   * @default false: both ports, checked on the plain port [003 §3.1]
   */
  readonly tlsOnly?: boolean;
}

/** POP3 and POP3S (001 §11 VIP3 note, 004 §11 VIP2 note), health-checked by the `+OK` greeting. */
export class PopVip extends ExchangeVip {
  constructor(lb: VipHost, id: string, props: PopVipProps = {}) {
    const { pop, mailPersistence, shutdownSessionsOnDown, mailConnectionShare } =
      lb.vipDefaults.profile;
    super(
      lb,
      id,
      props,
      mailboxKind({
        label: "CAS-POP3",
        names: ["POP3", "POP3S"],
        ports: [props.popPort ?? pop.ports.value[0], props.popsPort ?? pop.ports.value[1]],
        tlsOnly: props.tlsOnly ?? false,
        defaultPorts: pop.ports,
        persistence: props.persistence ?? mailPersistence.value,
        defaultPersistence: mailPersistence,
        greeting: "+OK",
        goodbye: "QUIT\r\n",
        shutdownSessionsOnDown: shutdownSessionsOnDown.mailbox,
        maxconnShare: mailConnectionShare,
      }),
    );
  }
}
