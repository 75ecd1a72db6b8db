/**
 * What the limits cost, and what the largest requests they accept cost: `npm run bench:limits`
 * (builds first).
 *
 *  1. Per request, in this process: the size check every operation with variables pays (its
 *     analysis's `size`: coercing the variables it reads and measuring its plan, src/graphql/operation/;
 *     the plan is made once per operation, and Armor's rules run once per document, at validation,
 *     which Apollo caches), beside executing the same request through the service's own Apollo
 *     Server (`executeOperation`, no HTTP), over the bench's random-code shapes. Interleaved
 *     rounds; medians of µs per request, and the check's share of the execution.
 *  2. Memory and work: the built service (`node dist/main.js`, production, default limits, no heap
 *     cap), fed the largest requests the default limits accept, four at a time, three times each;
 *     peak RSS (VmHWM) after each kind, beside its RSS when ready, and the work units one request of
 *     each kind spends (`graphql_work_units_total`), beside WORK_BUDGET.
 */
import { fileURLToPath } from 'node:url';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { OperationAnalyzer } from '../src/graphql/operation/analysis.js';
import { createSchema, namingFor } from '../src/graphql/schema.js';
import { createService } from '../src/app.js';
import { memoryOf, serviceUrl, spawnService, pollReady, killAllChildren } from './service-process.js';
import { buildShapes, readGeoNames } from './lib/shapes.js';
import { int, median } from './lib/stats.js';

const ROUNDS = 5;
const REQUESTS = 300;

const rows = readGeoNames(defaultUsDataFile());
const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
const naming = namingFor(config.schema.prefix);

async function perRequest(): Promise<void> {
  const service = createService({ config, logger: pino({ level: 'silent' }) });
  await service.apollo.start();
  await service.ready;
  const shapes = buildShapes(rows, 7).filter((shape) => ['distance', 'distances', 'entities', 'matrix', 'nearby'].includes(shape.id));
  // An instance of the schema Apollo runs, and an analyzer as the service makes one.
  const schema = createSchema({ naming, limits: config.limits });
  const analyzer = new OperationAnalyzer({ toCanonical: naming.toCanonical, limits: config.limits, maxPlanFields: config.limits.maxSelectedFields, maxHeldFields: 200_000 });
  const results = new Map<string, { check: number[]; execute: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const shape of shapes) {
      const requests = Array.from({ length: REQUESTS }, () => JSON.parse(shape.random()) as { query: string; variables: Record<string, unknown> });
      const document = parse(requests[0]!.query);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      let started = performance.now();
      for (const { variables } of requests) analyzer.analyse(schema, document, operation).size(variables);
      const check = ((performance.now() - started) * 1000) / REQUESTS;
      started = performance.now();
      for (const [i, request] of requests.entries()) {
        const response = await service.apollo.executeOperation(request, { contextValue: service.context(`r${i}`) });
        if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(`${shape.id}: ${JSON.stringify(response.body)}`);
      }
      const execute = ((performance.now() - started) * 1000) / REQUESTS;
      const entry = results.get(shape.title) ?? { check: [], execute: [] };
      entry.check.push(check);
      entry.execute.push(execute);
      results.set(shape.title, entry);
    }
  }
  await service.apollo.stop();
  console.log(`## The size check per request (${ROUNDS} interleaved rounds of ${REQUESTS} random-code requests per shape; medians)\n`);
  console.log('| shape | size check | execution (Apollo, no HTTP) | check ÷ execution |\n|---|---|---|---|');
  for (const [title, { check, execute }] of results) {
    const ratios = check.map((c, i) => c / execute[i]!);
    console.log(`| ${title} | ${median(check).toFixed(1)} µs | ${int(median(execute))} µs | ${(median(ratios) * 100).toFixed(1)}% |`);
  }
}

/** The largest requests the default limits accept, by kind. */
function largestRequests(): { title: string; body: string }[] {
  const codes = [...new Set(rows.map((row) => row.postalCode))];
  const pick = (n: number, step: number) => Array.from({ length: n }, (_, i) => codes[(i * step) % codes.length]!);
  const fields = 'meters kilometers miles nauticalMiles initialBearing method from { postalCode } to { postalCode countryCode latitude longitude placeName adminName adminCode }';
  const representations = (n: number) => pick(n, 7).map((postalCode) => ({ __typename: 'Location', postalCode, countryCode: 'US' }));
  const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  const five = Array.from({ length: 5 }, (_, i) => `a${i}: distanceTo(postalCode: "${codes[i * 997]}") { ${fields} }`).join(' ');
  return [
    {
      title: `_entities: 5,000 (MAX_ENTITIES) × distanceTo, 16 fields (${int(5_000 * 17)} fields)`,
      body: body(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { distanceTo(postalCode: "10001") { ${fields} } } } }`, { r: representations(5_000) }),
    },
    {
      title: `_entities: 1,000 × five aliased distanceTo (${int(1_000 * 5 * 17 + 1_000)} fields)`,
      body: body(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { ${five} } } }`, { r: representations(1_000) }),
    },
    {
      title: 'distanceMatrix 50 × 50 (MAX_MATRIX_CELLS), every field',
      body: body(`query($o: [String!]!, $d: [String!]!) { distanceMatrix(origins: $o, destinations: $d) { rows { distances { ${fields} } } } }`, { o: pick(50, 13), d: pick(50, 17) }),
    },
    {
      title: '100 nearby (MAX_NEARBY_SEARCHES) of 240 edges under _entities',
      body: body(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Location { nearby(radius: 20000, unit: KILOMETERS, first: 240) { edges { distance node { postalCode } } } } } }',
        { r: representations(100) },
      ),
    },
  ];
}

/** The service's `graphql_work_units_total`. */
async function workUnits(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^graphql_work_units_total (\S+)$/m.exec(text)?.[1] ?? 0);
}

async function memory(): Promise<void> {
  const service = spawnService({}, [], fileURLToPath(new URL('../dist/main.js', import.meta.url)));
  const url = await serviceUrl(service);
  await pollReady(service, url, 30_000);
  const pid = service.process.pid!;
  const atReady = memoryOf(pid);
  console.log(`\n## Peak RSS under the largest accepted requests (built service, default limits, four at a time, three times each)\n`);
  console.log(`RSS when ready: ${int(atReady.rss / 2 ** 20)} MB (peak so far ${int(atReady.hwm / 2 ** 20)} MB)\n`);
  console.log(`| request (in this order) | request body | response body | peak RSS so far | work units (WORK_BUDGET ${int(config.limits.workBudget)}) |\n|---|---|---|---|---|`);
  for (const { title, body } of largestRequests()) {
    let responseBytes = 0;
    const workBefore = await workUnits(url);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (res) => ({ status: res.status, text: await res.text() })),
        ),
      );
      for (const { status, text } of answers) {
        const parsed = JSON.parse(text) as { errors?: unknown };
        if (status !== 200 || parsed.errors) throw new Error(`${title}: ${status} ${text.slice(0, 500)}`);
        responseBytes = text.length;
      }
    }
    const work = ((await workUnits(url)) - workBefore) / 12;
    console.log(`| ${title} | ${int(body.length / 1024)} KB | ${int(responseBytes / 1024)} KB | ${int(memoryOf(pid).hwm / 2 ** 20)} MB | ${int(work)} |`);
  }
  service.process.kill('SIGTERM');
}

try {
  if (!process.argv.includes('--memory-only')) await perRequest();
  await memory();
} finally {
  killAllChildren();
}
