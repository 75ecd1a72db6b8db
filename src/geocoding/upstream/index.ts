/** Shared HTTP plumbing for remote geocoders: the client, its resilience policy, and the mapping of failures to client errors. */
export { failed, toAppError } from './failure.js';
export { UpstreamClient, type UpstreamClientOptions, type UpstreamRequest, type UpstreamResponse } from './upstream-client.js';
export { malformed, UpstreamError, isUpstreamError } from './upstream-error.js';
export { SingleLookupGeocoder } from './single-lookup.js';
export { upstreamSettings, type UpstreamOptions } from './resilience.js';

/** Sent to providers that do not ask for more (Nominatim gets its own, configured agent). */
export const SERVICE_USER_AGENT = 'postal-distance-subgraph/0.1';
