/**
 * Place-name and area search benchmark (src/place-names/, src/spatial/area-search.ts): what
 * building the name index costs, and how fast the searches are beside a linear scan.
 *
 *  1. Build time and retained memory of the place-name index (and of the spatial index it is built
 *     beside), for the bundled US data and, unless --us-only, for US plus a synthetic
 *     1.5-million-row GeoNames file (synthetic-geonames.ts: names with accents and in Cyrillic).
 *     Build time is the median of several builds; memory is heap + external after a forced GC,
 *     before and after one build that is kept.
 *  2. p50/p99 of `locationsByPlace` (first 20, the page's places and cursors built as the service
 *     builds them) on random real names of the data: EXACT on a whole name, PREFIX on its first
 *     2 to all of its characters, a different name every call; beside the same lookups done by a
 *     linear scan of every code's name (normalized beforehand, so the scan only compares and sorts).
 *  3. p50/p99 of `locationsInArea` (first 20) on random boxes and on random star-shaped polygons of
 *     8 to 64 vertices over the data's own area, beside a linear point-in-polygon scan of every code.
 * Every search's answer is checked against its scan before timing.
 *
 * Usage: npx tsx bench/place-search.ts (or npm run bench:place-search --) [--calls 2000] [--rows 1500000] [--seed 1] [--us-only]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import inside from 'point-in-polygon-hao';
import { Gazetteer } from '../src/gazetteer/gazetteer.js';
import { GeoNamesIndex } from '../src/gazetteer/geonames-index.js';
import { defaultUsDataFile } from '../src/gazetteer/loaded-data.js';
import { PlaceNameIndex } from '../src/place-names/name-index.js';
import { searchByName, type NameQuery } from '../src/place-names/name-search.js';
import { normalizePlaceName, prefixForms } from '../src/place-names/normalize.js';
import { parseArea, type Area, type Position } from '../src/spatial/area.js';
import { searchArea } from '../src/spatial/area-search.js';
import { SpatialIndex } from '../src/spatial/spatial-index.js';
import { matchConnection } from '../src/spatial/spatial-search.js';
import { seeded } from '../test/support/random.js';
import { int, median, percentile, table } from './lib/stats.js';
import { machineLine } from './service-process.js';
import { generateSyntheticGeoNames } from './synthetic-geonames.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    rows: { type: 'string', default: '1500000' },
    seed: { type: 'string', default: '1' },
    'us-only': { type: 'boolean', default: false },
  },
});
const CALLS = Number(values.calls);
const FIRST = 20;
const MB = 1024 * 1024;

async function load(files: readonly string[]): Promise<GeoNamesIndex> {
  const rows = new GeoNamesIndex();
  for (const file of files) await rows.loadFile(file);
  return rows;
}

interface BuildFigures {
  readonly codes: number;
  readonly names: number;
  /** Wall time and CPU time (the process's, less sensitive to other jobs on the machine), medians. */
  readonly spatialMs: number;
  readonly spatialCpuMs: number;
  readonly namesMs: number;
  readonly namesCpuMs: number;
  readonly namesBytes: number;
}

/** Runs `fn`, and returns its wall time and the process's CPU time over it, in milliseconds. */
function timed(fn: () => void): [wall: number, cpu: number] {
  const cpu = process.cpuUsage();
  const started = performance.now();
  fn();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}

/** Builds both indexes `rounds` times (medians), then measures the memory the name index keeps. */
function measureBuild(rows: GeoNamesIndex, rounds: number): BuildFigures {
  const spatial: [number, number][] = [];
  const names: [number, number][] = [];
  let built = SpatialIndex.build(rows);
  PlaceNameIndex.from(rows, built.index, built.idsByVisit); // warm-up, discarded
  for (let r = 0; r < rounds; r++) {
    gc();
    spatial.push(timed(() => void (built = SpatialIndex.build(rows))));
    gc();
    names.push(timed(() => void PlaceNameIndex.from(rows, built.index, built.idsByVisit)));
  }
  gc();
  gc();
  const before = process.memoryUsage();
  const kept = PlaceNameIndex.from(rows, built.index, built.idsByVisit);
  gc();
  gc();
  const after = process.memoryUsage();
  return {
    codes: built.index.size,
    names: kept.names.length,
    spatialMs: median(spatial.map(([wall]) => wall)),
    spatialCpuMs: median(spatial.map(([, cpu]) => cpu)),
    namesMs: median(names.map(([wall]) => wall)),
    namesCpuMs: median(names.map(([, cpu]) => cpu)),
    namesBytes: after.heapUsed + after.external - (before.heapUsed + before.external),
  };
}

/** Every code's normalized name, by id: what the baseline scans. */
function normalizedNames(gazetteer: Gazetteer): string[] {
  const { index } = gazetteer;
  return Array.from({ length: index.size }, (_, id) => normalizePlaceName(gazetteer.place(index.countries[index.countryOf[id]!]!, index.postalCodes[id]!)?.placeName ?? ''));
}

/** The baseline: the first page of a name search by comparing every code's name, ranked as the contract says. */
function scanByName(names: readonly string[], query: NameQuery): number[] {
  if (query.match === 'EXACT') {
    const name = normalizePlaceName(query.name);
    const ids: number[] = [];
    for (let id = 0; id < names.length; id++) if (names[id] === name) ids.push(id);
    return ids.slice(0, FIRST);
  }
  const forms = prefixForms(query.name);
  const hits: { id: number; tier: number; extra: number; name: string }[] = [];
  for (let id = 0; id < names.length; id++) {
    const name = names[id]!;
    for (const { text, wholeWord } of forms) {
      if (!name.startsWith(text)) continue;
      const next = name.charCodeAt(text.length);
      if (wholeWord && name.length > text.length && next !== 0x20) continue;
      hits.push({ id, tier: name.length === text.length ? 0 : next === 0x20 ? 1 : 2, extra: name.length - text.length, name });
      break;
    }
  }
  hits.sort((a, b) => a.tier - b.tier || a.extra - b.extra || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  return hits.slice(0, FIRST).map((h) => h.id);
}

/** The baseline: the first page of an area search by testing every code. */
function scanArea(index: SpatialIndex, area: Area): number[] {
  const ids: number[] = [];
  const point = [0, 0];
  const rings = area.kind === 'polygon' ? (area.rings as unknown as number[][][]) : undefined;
  for (let id = 0; id < index.size; id++) {
    const longitude = index.longitudes[id]!;
    const latitude = index.latitudes[id]!;
    if (rings) {
      point[0] = longitude;
      point[1] = latitude;
      if (inside(point, rings) === false) continue;
    } else if (area.kind === 'box' && !area.boxes.some(([w, s, e, n]) => longitude >= w && longitude <= e && latitude >= s && latitude <= n)) continue;
    ids.push(id);
    if (ids.length === FIRST) break; // ids are in key order: the first page is the first FIRST found
  }
  return ids;
}

interface Latency {
  readonly label: string;
  readonly p50: number;
  readonly p99: number;
  readonly scanP50: number;
  readonly scanP99: number;
  readonly matched: number;
}

/** Times `search` and `scan` on the same random queries, alternating, after checking they agree. */
function latency<Q>(label: string, next: () => Q, search: (q: Q) => { ids: readonly number[]; totalCount: number }, scan: (q: Q) => number[], calls: number): Latency {
  const queries = Array.from({ length: calls + 100 }, next);
  for (const query of queries.slice(0, 100)) {
    const found = search(query).ids.join();
    const expected = scan(query).join();
    if (found !== expected) throw new Error(`${label}: the search and the scan disagree on ${JSON.stringify(query).slice(0, 200)}`);
  }
  const times = new Float64Array(calls);
  const scanTimes = new Float64Array(calls);
  let matched = 0;
  for (let i = 0; i < calls; i++) {
    const query = queries[100 + i]!;
    let started = performance.now();
    matched += search(query).totalCount;
    times[i] = performance.now() - started;
    started = performance.now();
    scan(query);
    scanTimes[i] = performance.now() - started;
  }
  times.sort();
  scanTimes.sort();
  return { label, p50: percentile(times, 50), p99: percentile(times, 99), scanP50: percentile(scanTimes, 50), scanP99: percentile(scanTimes, 99), matched: matched / calls };
}

function nameLatencies(gazetteer: Gazetteer, calls: number): Latency[] {
  const names = normalizedNames(gazetteer);
  const random = seeded(Number(values.seed));
  const raw = (): string => {
    const { index } = gazetteer;
    const id = Math.floor(random() * index.size);
    return gazetteer.place(index.countries[index.countryOf[id]!]!, index.postalCodes[id]!)?.placeName ?? 'Springfield';
  };
  // A page as the service answers it: the search, then each edge's place and the page's cursors.
  const search = (query: NameQuery) => {
    const request = { first: FIRST };
    const page = searchByName(gazetteer.names, gazetteer.index, query, request);
    matchConnection(gazetteer, page, request);
    return page;
  };
  const scan = (query: NameQuery) => scanByName(names, query);
  return [
    latency('EXACT, a whole name', (): NameQuery => ({ name: raw(), match: 'EXACT' }), search, scan, calls),
    latency(
      'PREFIX, its first 2+ characters',
      (): NameQuery => {
        const name = raw();
        return { name: name.slice(0, 2 + Math.floor(random() * Math.max(1, name.length - 1))), match: 'PREFIX' };
      },
      search,
      scan,
      calls,
    ),
    latency('PREFIX, its first 2 characters', (): NameQuery => ({ name: raw().slice(0, 2), match: 'PREFIX' }), search, scan, calls),
  ];
}

function areaLatencies(gazetteer: Gazetteer, calls: number): Latency[] {
  const { index } = gazetteer;
  const random = seeded(Number(values.seed) + 1);
  const limits = { maxAreaVertices: 10_000, maxAreaRings: 100 };
  /** A point of the data, so areas fall where codes are. */
  const somewhere = (): Position => {
    const id = Math.floor(random() * index.size);
    return [index.longitudes[id]!, index.latitudes[id]!];
  };
  const box = (): Area => {
    const [x, y] = somewhere();
    const half = 0.05 + random() * 2.5;
    return parseArea({ boundingBox: { west: Math.max(-180, x - half), south: Math.max(-90, y - half / 2), east: Math.min(180, x + half), north: Math.min(90, y + half / 2) } }, limits);
  };
  const star = (): Area => {
    const [x, y] = somewhere();
    const vertices = 8 + Math.floor(random() * 57);
    const radius = 0.05 + random() * 2.5;
    const ring = Array.from({ length: vertices }, (_, k): Position => {
      const angle = (2 * Math.PI * k) / vertices;
      const r = radius * (k % 2 === 0 ? 1 : 0.3 + 0.5 * random());
      return [Math.max(-180, Math.min(180, x + r * Math.cos(angle))), Math.max(-90, Math.min(90, y + (r / 2) * Math.sin(angle)))];
    });
    return parseArea({ polygon: [[...ring, ring[0]!]] }, limits);
  };
  const search = (area: Area) => {
    const request = { first: FIRST };
    const page = searchArea(index, { area }, request);
    matchConnection(gazetteer, page, request);
    return page;
  };
  const scan = (area: Area) => scanArea(index, area);
  return [latency('a box, 0.1° to 5° wide', box, search, scan, calls), latency('a star polygon of 8–64 vertices, 0.1° to 5° wide', star, search, scan, calls)];
}

const ms = (n: number) => (n < 1 ? n.toFixed(3) : n.toFixed(2));
const rows = (dataset: string, figures: readonly Latency[]) =>
  figures.map((l) => [`${dataset}: ${l.label}`, ms(l.p50), ms(l.p99), ms(l.scanP50), ms(l.scanP99), `${(l.scanP50 / l.p50).toFixed(0)}×`, int(l.matched)]);

process.stdout.write(`${await machineLine()}\n`);
process.stdout.write(`calls per kind: ${CALLS} (after 100 checked against the scan, untimed); first ${FIRST}; all in this one process\n\n`);

const usRows = await load([defaultUsDataFile()]);
const usBuild = measureBuild(usRows, 7);
const us = new Gazetteer(usRows, []);
const usNames = nameLatencies(us, CALLS);
const usAreas = areaLatencies(us, CALLS);

let fullBuild: BuildFigures | undefined;
let fullNames: Latency[] = [];
let fullAreas: Latency[] = [];
if (!values['us-only']) {
  const synthetic = await generateSyntheticGeoNames({ rows: Number(values.rows), seed: Number(values.seed), reuse: true });
  const fullRows = await load([defaultUsDataFile(), synthetic.file]);
  fullBuild = measureBuild(fullRows, 3);
  const full = new Gazetteer(fullRows, []);
  const calls = Math.max(200, Math.round(CALLS / 4));
  fullNames = nameLatencies(full, calls);
  fullAreas = areaLatencies(full, calls);
}

const buildRow = (label: string, f: BuildFigures) => [label, int(f.codes), int(f.names), `${ms(f.spatialMs)} / ${ms(f.spatialCpuMs)}`, `${ms(f.namesMs)} / ${ms(f.namesCpuMs)}`, (f.namesBytes / MB).toFixed(1)];
process.stdout.write(
  `${table(
    ['index build', 'codes', 'distinct names', 'spatial index ms (wall / CPU)', 'name index ms (wall / CPU)', 'name index MB'],
    [buildRow('US', usBuild), ...(fullBuild ? [buildRow(`US + ${int(Number(values.rows))} synthetic rows`, fullBuild)] : [])],
  )}\n\n`,
);
const header = ['search (random query every call)', 'p50 ms', 'p99 ms', 'scan p50 ms', 'scan p99 ms', 'p50 speed-up', 'mean totalCount'];
process.stdout.write(`${table(header, [...rows('US', usNames), ...rows('US', usAreas), ...rows('US + synthetic', fullNames), ...rows('US + synthetic', fullAreas)])}\n`);
