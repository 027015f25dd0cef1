/**
 * Hiding e-mail addresses in text the tool prints: report recipients and SES identities are
 * personal data and never reach a log, a job summary or a check's line. Pure.
 */

/** Anything shaped like an address; a `/` ends it, so `…:identity/<address>` keeps the ARN's head. */
const ADDRESS = /[^\s@<>"'(),;:/]+@[^\s@<>"'(),;:/]+\.[A-Za-z]{2,}/g;

/** `text` with everything shaped like an e-mail address replaced by `***`. */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '***');
}
