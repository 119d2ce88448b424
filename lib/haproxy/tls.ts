/**
 * TLS settings for connections the load balancer terminates or originates:
 * Mozilla's "intermediate" configuration (TLS 1.2 and 1.3, forward-secret AEAD
 * ciphers), which every Outlook, ActiveSync and browser client Exchange 2013+
 * supports. Source: Mozilla Server Side TLS guidelines, version 5.7,
 * "Intermediate compatibility", as the SSL Configuration Generator emits it for
 * HAProxy 2.6 with OpenSSL 3.0.
 */
import { TlsDefaults } from "./model";

export const INTERMEDIATE_TLS: TlsDefaults = {
  minVersion: "TLSv1.2",
  ciphers: [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
  ].join(":"),
  ciphersuites: [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
  ].join(":"),
  comments: [
    "TLS: Mozilla Server Side TLS 5.7 intermediate (TLS 1.2+, forward-secret AEAD ciphers)",
  ],
};

/** Exchange speaks HTTP/1.1 only; its authentication is tied to the connection. */
export const EXCHANGE_ALPN = ["http/1.1"] as const;
