/** A GraphQL client over HTTP, as a client of a router or of the service itself would be. */

/** A response body; `data` is walked by the tests, which fail loudly on an unexpected shape. */
export interface GraphQLBody {
  // Tests walk arbitrary response shapes; a wrong shape fails the assertion that reads it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data?: Record<string, any> | null;
  readonly errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
  readonly extensions?: Record<string, unknown>;
}

/** POSTs `query` to `url` and reads the JSON answer; throws with the text when the answer is not JSON. `headers` are added. */
export async function graphql(url: string, query: string, variables?: Record<string, unknown>, headers: Readonly<Record<string, string>> = {}): Promise<GraphQLBody> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as GraphQLBody;
  } catch {
    throw new Error(`${url} answered HTTP ${res.status} with no JSON: ${text.slice(0, 500)}`);
  }
}

/** What a running subgraph prints for `_service { sdl }`, as registries and `rover dev` read it; `headers` are added. */
export async function serviceSdl(url: string, headers: Readonly<Record<string, string>> = {}): Promise<string> {
  const body = await graphql(url, '{ _service { sdl } }', undefined, headers);
  const sdl: unknown = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} did not answer _service { sdl }: ${JSON.stringify(body)}`);
  return sdl;
}
