/** The embedded US data as the tests use it on its own: loaded data and the geocoder over it. */
import { pino } from 'pino';
import { defaultUsDataFile, LoadedData } from '../../src/gazetteer/loaded-data.js';
import { EmbeddedGeocoder } from '../../src/geocoding/providers/embedded.js';

/** The bundled US file, loaded (start-up downloads and DATA_DIR left out). */
export const usData = (): LoadedData => new LoadedData({ files: [defaultUsDataFile()], logger: pino({ level: 'silent' }) });

/** The embedded geocoder over the bundled US file. */
export const usEmbedded = (data: LoadedData = usData()): EmbeddedGeocoder => new EmbeddedGeocoder(data);
