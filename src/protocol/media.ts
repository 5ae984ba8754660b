/**
 * `GET /preview?path=&w=` (issue 12): screen-sized renditions. The server rounds `w` up to one of
 * these long edges (past the last: the last), so the browser asks for exactly these and every
 * pane and screen shares a few cached files per image (server: media/SPEC.md RN2).
 */
export const PREVIEW_EDGES = [1024, 2048, 3072] as const;

/** The largest `w` the server takes (400 `invalid_parameter` past it). */
export const MAX_PREVIEW_WIDTH = 16_384;
