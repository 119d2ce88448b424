/**
 * What the Exchange-side scripts differ in between versions: the snap-in, the
 * cmdlet nouns, the namespace step and the transport role. Each profile holds one.
 */
export interface ExchangeManagement {
  /** The Exchange Management Shell snap-in a plain PowerShell session loads. */
  readonly snapIn: string;
  /** Noun of the cmdlets that hold the Autodiscover SCP (2016 renamed Server to Service). */
  readonly clientAccessNoun: "ClientAccessServer" | "ClientAccessService";
  /** Outlook Anywhere's host names are set on the namespace (2013+) [004 §8 step 3]. */
  readonly outlookAnywhere: boolean;
  /** The namespace step: the 2010 CAS array, or maintenance on/off of 2013+ [004 §12]. */
  readonly namespaceStep: "cas-array" | "maintenance";
  /** Guide steps of the URLs script and of its Autodiscover SCP part. */
  readonly urlsSource: string;
  readonly scpSource: string;
  /** The receive connector's transport role, when not the default (2013+: front end). */
  readonly receiveConnectorRole?: "FrontendTransport";
  /** The servers that run the receive connector script. */
  readonly smtpServers: string;
}
