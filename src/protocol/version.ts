/** Bump on any change to the wire schemas in this folder. */
export const PROTOCOL_VERSION = 1;
