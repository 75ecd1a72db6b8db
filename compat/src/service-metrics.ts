/** The service's own counters, read from its /metrics: what the requests a router sent made it do. */
import { scrape } from '../../test/support/metrics.js';

export interface ServiceWork {
  /** Operations answered (`graphql_requests_total`, every label). */
  readonly operations: number;
  /** Units of work they did: codes looked up, geodesics solved, edges built (`graphql_work_units_total`). */
  readonly workUnits: number;
}

/** Sums every sample of `name` in a Prometheus text exposition, whatever its labels. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The counters of the service whose GraphQL endpoint is `graphqlUrl`. */
export async function serviceWork(graphqlUrl: string): Promise<ServiceWork> {
  const text = await scrape(new URL(graphqlUrl).origin);
  return { operations: total(text, 'graphql_requests_total'), workUnits: total(text, 'graphql_work_units_total') };
}
