/** Longest correlation id a client may send (protocol §4). */
export const MAX_ID_LENGTH = 64;

/** Longest frame `type` accepted; longer ones are refused as invalid. */
export const MAX_TYPE_LENGTH = 64;

/** Channel names allowed by protocol §6. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields a client may put at the top level of a frame (protocol §4). */
export const CLIENT_ENVELOPE_FIELDS = ['type', 'id', 'channel', 'payload'] as const;

/** A frame as a client sends it, after envelope validation. */
export interface ClientEnvelope {
  type: string;
  id?: string;
  channel?: string;
  payload?: Json;
}

/** A frame as the gateway sends it: `ts` is always set. */
export interface ServerEnvelope<TType extends string = string, TPayload = Json> {
  type: TType;
  id?: string;
  channel?: string;
  payload?: TPayload;
  ts: number;
}
