/** Largest request body the gateway reads (REST bodies, GraphQL WebSocket messages): 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;
