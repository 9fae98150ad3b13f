/**
 * One error type for talking to other schedulers and checking what they send. Hosts map `code`
 * to a status (worker/http/errors.ts); `details` carries what a client needs to act (the remote URL,
 * the slot that failed, what was expected and what was found).
 */

export type RemoteErrorCode =
  | "bad-location" // a scheduler-location record that is malformed, stale or not signed by its claimed owner
  | "stale-nonce" // a location record whose nonce is not above the one already held for its signer
  | "not-found" // no scheduler here or on the gateway knows the process
  | "no-scheduler" // the process names no scheduler, or none that can be found
  | "remote-rejected" // the remote refused the request (a 4xx, passed on with its status)
  | "remote-failed" // the remote answered with an error or something unreadable (502)
  | "remote-timeout" // the remote did not answer in time (504)
  | "remote-too-large" // the remote's answer passed the size this node reads (502; a page is asked for again in narrower ranges first)
  | "refused-destination" // a URL chosen by request data breaks the destination policy (url-policy.ts): nothing was sent (400)
  | "verification-failed" // the remote's schedule failed a check (502): nothing of it is kept
  | "fork"; // the remote serves a different assignment for a slot already cached (502)

export class RemoteError extends Error {
  readonly code: RemoteErrorCode;
  readonly details: Record<string, string | number> | undefined;

  constructor(code: RemoteErrorCode, message: string, details?: Record<string, string | number>) {
    super(message);
    this.name = "RemoteError";
    this.code = code;
    this.details = details;
  }
}
