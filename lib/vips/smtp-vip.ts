import { Duration } from "../core/duration";
import { Cited } from "../exchange/citation";
import { Persistence } from "../exchange/persistence";
import { Annotations } from "../framework";
import { isIpv4 } from "../net/ipv4";
import { VipKind } from "./describe";
import { persistenceNote } from "./notes";
import { VipOptions } from "./options";
import { ExchangeVip } from "./vip";
import { VipDefaults, VipHost } from "./vip-host";

export interface SmtpVipProps extends VipOptions {
  /**
   * SMTP port.
   * @default 25 [001 §11 VIP4, 004 §11 VIP3]; 587 with `submission` [002 §5.4]
   */
  readonly port?: number;
  /**
   * Client submission (authenticated clients, port 587) instead of inbound mail: its own
   * 220 health check on the submission port, source-IP persistence for an hour, open to
   * `clientCidrs` without the smart-host warning. STARTTLS stays end to end (TCP).
   * @default false
   */
  readonly submission?: boolean;
}

/** Client submission: port 587, source persistence 1 h [002 §5.4 SMTPS: port 587, Persist src 3600]. */
const SUBMISSION_PORT = 587;
const SUBMISSION_SOURCE = "002 §5.4 SMTPS: port 587, Persist src, PersistTimeout 3600";
const SUBMISSION_PERSISTENCE: Cited<Persistence> = {
  value: Persistence.sourceIp(Duration.hours(1)),
  source: SUBMISSION_SOURCE,
};

/**
 * Inbound SMTP (001 §11 VIP4 "HT-SMTP", 004 §11 VIP3 "CAS-SMTP"). HAProxy hides
 * the client address from the receive connector, so the lock-down moves to the
 * load balancer: `allowedSources` become the only security-group sources on the
 * SMTP port [001 appendix 2, 004 appendix 2].
 */
export class SmtpVip extends ExchangeVip {
  /** True for client submission (587) rather than inbound mail. */
  public readonly submission: boolean;

  constructor(lb: VipHost, id: string, props: SmtpVipProps = {}) {
    super(lb, id, props, smtpKind(lb.vipDefaults, props));
    this.submission = props.submission ?? false;
    if (props.allowedSources === undefined && !this.submission) {
      Annotations.of(this).addWarning(
        "SMTP is open to every clientCidrs block: the receive connector only sees the load balancer's address, " +
          "so set allowedSources to your smart hosts and devices [001 appendix 2, 004 appendix 2]",
      );
    }
    if (this.sourceCidrs.includes("0.0.0.0/0")) {
      Annotations.of(this).addWarning(
        "SMTP is open to 0.0.0.0/0: anyone on the internet can reach the receive connector through the load balancer",
      );
    }
  }
}

function smtpKind(defaults: VipDefaults, props: SmtpVipProps): VipKind {
  const smtp = defaults.profile.smtp;
  const submission = props.submission ?? false;
  const port = props.port ?? (submission ? SUBMISSION_PORT : smtp.port.value);
  const defaultPersistence = submission ? SUBMISSION_PERSISTENCE : smtp.persistence;
  const persistence = props.persistence ?? defaultPersistence.value;
  const sources = (props.allowedSources ?? defaults.clientCidrs).join(", ");
  return {
    label: submission ? `${smtp.label}-SUBMISSION` : smtp.label,
    ports: [port],
    persistence,
    // The banner, then EHLO answered with 250: a server that greets but refuses
    // mail is out [002 §5.4 CheckType smtp]; QUIT so it logs no aborted session.
    healthCheck: {
      kind: "tcp",
      steps: [
        { connect: { port } },
        { expectRegex: "^220[ -]" },
        // An address is sent as an address literal [RFC 5321 §4.1.3].
        {
          send: `EHLO ${isIpv4(defaults.namespace) ? `[${defaults.namespace}]` : defaults.namespace}\r\n`,
        },
        { expectRegex: "^250[ -]" },
        { send: "QUIT\r\n" },
      ],
    },
    notes: submission
      ? [
          `SMTP submission ${port}, STARTTLS end to end [${SUBMISSION_SOURCE}]; ${persistenceNote(persistence, defaultPersistence)}`,
          `health check: 220 greeting, then 250 to EHLO, on ${port} [002 §5.4 CheckPort 587]`,
          `allowed sources: ${sources} (authenticated clients)`,
        ]
      : [
          `SMTP ${port} [${smtp.port.source}]; ${persistenceNote(persistence, smtp.persistence)}`,
          "health check: 220 greeting, then 250 to EHLO [002 §5.4 CheckType smtp]",
          `allowed sources: ${sources} [001 appendix 2, 004 appendix 2]`,
        ],
    // Inbound mail only: submission keeps Exchange's authenticated Client Frontend connector.
    exchangeSide: submission ? undefined : { kind: "receive-connector", port },
    shutdownSessionsOnDown: defaults.profile.shutdownSessionsOnDown.requests,
    maxconnShare: defaults.profile.mailConnectionShare,
  };
}
