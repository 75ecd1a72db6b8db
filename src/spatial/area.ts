/**
 * The area of `Query.locationsInArea`, checked: a bounding box (two where it crosses the
 * antimeridian) or a polygon. Pure; each refusal is `AppError('BAD_USER_INPUT')` naming the argument
 * (and a polygon's 0-based ring and position), the rule and the value received.
 * Polygons follow RFC 7946 (rings closed, any winding, the first the outer boundary; an altitude is
 * ignored) with planar edges, as turf and PostGIS's `geometry` read them: no edge crosses the
 * antimeridian (RFC 7946 §3.1.9: use a box with `west > east`, or two polygons).
 */
import { AppError } from '../errors.js';
import type { Box } from './spatial-index.js';

/** Degrees; `west > east` across the antimeridian. */
export interface BoundingBoxArgs {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

export type PolygonArgs = readonly (readonly (readonly number[])[])[];

export interface AreaArgs {
  readonly boundingBox?: BoundingBoxArgs | null | undefined;
  readonly polygon?: PolygonArgs | null | undefined;
}

export interface AreaLimits {
  /** Positions of every ring together, closing ones included (MAX_AREA_VERTICES). */
  readonly maxAreaVertices: number;
  /** The outer boundary included (MAX_AREA_RINGS). */
  readonly maxAreaRings: number;
}

export type Position = readonly [longitude: number, latitude: number];

export type Area =
  /** Every point of these boxes, their edges included; two boxes when the one asked for crosses the antimeridian. */
  | { readonly kind: 'box'; readonly boxes: readonly Box[] }
  /** Every point of the polygon, its boundary included; `box` holds its outer ring. */
  | { readonly kind: 'polygon'; readonly rings: readonly (readonly Position[])[]; readonly box: Box; readonly edges: number };

export function parseArea(args: AreaArgs, limits: AreaLimits): Area {
  const { boundingBox, polygon } = args;
  const given = (boundingBox ? 1 : 0) + (polygon ? 1 : 0);
  if (given !== 1) {
    throw new AppError('BAD_USER_INPUT', `Give exactly one area, \`boundingBox\` or \`polygon\`; got ${given === 0 ? 'neither' : 'both'}.`);
  }
  return boundingBox ? boxArea(boundingBox) : polygonArea(polygon!, limits);
}

function boxArea({ west, south, east, north }: BoundingBoxArgs): Area {
  for (const [name, value] of [['south', south], ['north', north]] as const) {
    if (!(Math.abs(value) <= 90)) throw new AppError('BAD_USER_INPUT', `\`boundingBox.${name}\` must be a latitude in degrees from -90 to 90, got ${value}.`);
  }
  for (const [name, value] of [['west', west], ['east', east]] as const) {
    if (!(Math.abs(value) <= 180)) throw new AppError('BAD_USER_INPUT', `\`boundingBox.${name}\` must be a longitude in degrees from -180 to 180, got ${value}.`);
  }
  if (south > north) throw new AppError('BAD_USER_INPUT', `\`boundingBox.south\` (${south}) is north of \`boundingBox.north\` (${north}).`);
  // `+ 0` turns -0 into 0: one box, one cursor tag.
  const boxes: Box[] = west <= east ? [[west + 0, south + 0, east + 0, north + 0]] : [[west + 0, south + 0, 180, north + 0], [-180, south + 0, east + 0, north + 0]];
  return { kind: 'box', boxes };
}

function polygonArea(polygon: PolygonArgs, { maxAreaVertices, maxAreaRings }: AreaLimits): Area {
  if (polygon.length === 0) throw new AppError('BAD_USER_INPUT', '`polygon` has no ring: give its outer boundary first, then any holes.');
  if (polygon.length > maxAreaRings) {
    throw new AppError('BAD_USER_INPUT', `\`polygon\` has ${polygon.length} rings, at most ${maxAreaRings} (MAX_AREA_RINGS): the outer boundary and ${maxAreaRings - 1} holes.`);
  }
  const vertices = polygon.reduce((sum, ring) => sum + ring.length, 0);
  if (vertices > maxAreaVertices) {
    throw new AppError('BAD_USER_INPUT', `\`polygon\` has ${vertices} positions, at most ${maxAreaVertices} (MAX_AREA_VERTICES), every ring together; simplify it.`);
  }
  const rings = polygon.map((ring, r) => checkedRing(ring, r));
  const box: [number, number, number, number] = [180, 90, -180, -90];
  for (const [longitude, latitude] of rings[0]!) {
    box[0] = Math.min(box[0], longitude);
    box[1] = Math.min(box[1], latitude);
    box[2] = Math.max(box[2], longitude);
    box[3] = Math.max(box[3], latitude);
  }
  return { kind: 'polygon', rings, box, edges: vertices - rings.length };
}

function checkedRing(ring: readonly (readonly number[])[], r: number): Position[] {
  const where = `\`polygon\` ring ${r}${r === 0 ? ' (the outer boundary)' : ' (a hole)'}`;
  if (ring.length < 4) {
    throw new AppError('BAD_USER_INPUT', `${where} has ${ring.length} positions; a ring needs at least 4: three corners and the first again to close it.`);
  }
  const positions = ring.map((position, p): Position => {
    const [longitude, latitude] = position;
    if (position.length < 2 || position.length > 3 || longitude === undefined || latitude === undefined) {
      throw new AppError('BAD_USER_INPUT', `${where}, position ${p}: a position is [longitude, latitude] (an altitude may follow), got ${JSON.stringify(position)}.`);
    }
    if (!(Math.abs(longitude) <= 180)) {
      throw new AppError('BAD_USER_INPUT', `${where}, position ${p}: the longitude (first) must be in degrees from -180 to 180, got ${longitude}. GeoJSON positions are [longitude, latitude].`);
    }
    if (!(Math.abs(latitude) <= 90)) {
      throw new AppError('BAD_USER_INPUT', `${where}, position ${p}: the latitude (second) must be in degrees from -90 to 90, got ${latitude}. GeoJSON positions are [longitude, latitude].`);
    }
    return [longitude + 0, latitude + 0];
  });
  const first = positions[0]!;
  const last = positions.at(-1)!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new AppError('BAD_USER_INPUT', `${where} is not closed: its last position (${positions.length - 1}) must repeat its first, ${JSON.stringify(first)}, got ${JSON.stringify(last)}.`);
  }
  return positions;
}
