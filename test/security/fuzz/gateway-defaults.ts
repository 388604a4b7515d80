/** The gateway's defaults, which the main fuzz stream stays within. */
export const MAX_MESSAGE_BYTES = 65_536;
export const MAX_JSON_DEPTH = 64;
