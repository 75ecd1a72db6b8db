/**
 * The README's examples are what the service answers: each ```graphql block followed by a ```json
 * block that is a GraphQL response (and the `curl` example's body) is sent to the service on the embedded US data, and the answer
 * must equal the JSON shown. (The router examples, whose JSON is picked out with jq, are tested by
 * test/integration/recipes.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Each query of the README with the response shown after it: in a graphql block, or the body of a `curl -d`. */
const examples = [
  ...[...README.matchAll(/^```graphql\n(.*?)\n```\n```json\n(\{"(?:data|errors)".*?)\n```$/gms)].map(([, query, response]) => ({ query: query!, response: response! })),
  ...[...README.matchAll(/^curl [^`]*?-d '(\{.*?\})'\n```\n```json\n(.*?)\n```$/gms)].map(([, body, response]) => ({ query: (JSON.parse(body!) as { query: string }).query, response: response! })),
].map(({ query, response }) => ({ query, response: JSON.parse(response) as unknown }));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("the README's examples", () => {
  it('are found in the README', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples.map((example) => [example.query.slice(0, 60), example] as const))('answers %s… as shown', async (_, { query, response }) => {
    const res = await server.graphql(query);
    expect(res.body).toEqual(response);
  });
});
