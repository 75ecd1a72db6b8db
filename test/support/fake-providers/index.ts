/** Fake provider servers for tests and the benchmark: one file per provider, all on 127.0.0.1. */
export { FakeGeocodio, type FakeGeocodioOptions } from './geocodio.js';
export { FakeNominatim, type FakeNominatimOptions } from './nominatim.js';
export { FakeZippopotam } from './zippopotam.js';
export { FakeProvider, type Fault, type RecordedRequest } from './fake-server.js';
export { ELSEWHERE, gazetteer, placeOf, placesOf, type GazetteerPlace } from './gazetteer.js';
