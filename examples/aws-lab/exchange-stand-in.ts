/**
 * What an Exchange stand-in serves, shared by the local lab's servers
 * (lab/servers.ts) and the AWS lab's (stand-in-user-data.ts), so both answer
 * the load balancer alike: every virtual directory the library routes and
 * checks (its WEB_SERVICES), each with a healthcheck.htm that a flag file
 * drains, and one test mailbox.
 */
import { WEB_SERVICES } from "../../lib/exchange/web-services";

export const MAIL_DOMAIN = "lab.test";
export const MAIL_USER = "labuser";
/** uid/gid that owns the maildirs (Postfix virtual delivery and Dovecot): nobody. */
export const MAIL_ID = 65534;

/** The virtual directories as the load balancer routes them: `Microsoft-Server-ActiveSync`, `owa`, ... */
export const VIRTUAL_DIRECTORIES: readonly string[] = Object.values(WEB_SERVICES).map((service) =>
  service.path.slice(1),
);

export interface StandInWeb {
  /** The server's label, in every answer and the `X-Exchange-Server` header: EX1. */
  readonly label: string;
  /** Where `<vdir>.inactive` (and in the lab `<vdir>.slow`) flags live; `vdir` in the case the check asks. */
  readonly flagDir: string;
  /** The lab's slow responder: `<vdir>.slow` answers through it. */
  readonly slowResponderPort?: number;
}

/** The nginx `server` block's lines (8-space indent) that make it an Exchange web server. */
export function nginxExchangeLocations(web: StandInWeb): string {
  const vdirs = VIRTUAL_DIRECTORIES.map((v) => v.toLowerCase()).join("|");
  const { label, flagDir: d } = web;
  const slow =
    web.slowResponderPort === undefined
      ? []
      : [
          `            if (-f ${d}/$vdir.slow) { return 418; }`,
          "            error_page 418 = @slow;",
        ];
  const slowLocation =
    web.slowResponderPort === undefined
      ? []
      : [`        location @slow { proxy_pass http://127.0.0.1:${web.slowResponderPort}; }`];
  return [
    `        add_header X-Exchange-Server ${label} always;`,
    "        # healthcheck.htm answers 503 while <vdir>.inactive exists, as",
    "        # Set-ServerComponentState ... -State Inactive makes Exchange do (004 §12).",
    `        location ~* ^/(${vdirs})/healthcheck\\.htm$ {`,
    "            set $vdir $1;",
    `            if (-f ${d}/$vdir.inactive) { return 503 "${label} $vdir inactive\\n"; }`,
    ...slow,
    `            return 200 "${label} $vdir healthy\\n";`,
    "        }",
    ...slowLocation,
    `        location ~* ^/(${vdirs})(/|$) { return 200 "${label} $1\\n"; }`,
    `        location = / { return 200 "${label}\\n"; }`,
    `        location / { return 404 "${label} not found\\n"; }`,
  ].join("\n");
}
