/**
 * The variables of the data directory and its downloads, read by the data command (cli.ts) and by
 * the embedded geocoder, whose settings include them (src/geocoding/providers/embedded.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseUrl, defineSettings, list, type OptionsOf } from '../settings.js';
import { isDatasetName, parseDataset } from './datasets.js';

/** The project's root, found from this module (src/data or dist/data), never from the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const dataSettings = defineSettings({
  title: 'Embedded data: downloads',
  variables: {
    DATA_DIR: z
      .string()
      .default('data/geonames')
      .transform((dir) => path.resolve(PROJECT_ROOT, dir))
      .describe(
        'Directory of downloaded GeoNames datasets (`npm run data -- add DE`); the service loads every data file in it after the bundled US data. A relative path is taken from the project root.',
      ),
    GEONAMES_COUNTRIES: list()
      .refine((names) => names.every(isDatasetName), { message: 'comma-separated dataset names: country codes (DE), full-code files (GB_full) or allCountries' })
      .transform((names) => [...new Map(names.map((name) => parseDataset(name)).map((dataset) => [dataset.name, dataset])).values()])
      .describe(
        'Datasets the embedded geocoder downloads into DATA_DIR at start-up when they are missing, comma-separated: country codes (DE), full-code files (GB_full), allCountries. Files already there are not fetched.',
      ),
    GEONAMES_BASE_URL: baseUrl('https://download.geonames.org/export/zip').describe(
      "GeoNames' postal-code export, or a mirror with its layout ({CC}.zip, {CC}_full.csv.zip, allCountries.zip).",
    ),
  },
  read: (env) => ({ dir: env.DATA_DIR, countries: env.GEONAMES_COUNTRIES, baseUrl: env.GEONAMES_BASE_URL }),
});

export type DataOptions = OptionsOf<typeof dataSettings>;

/**
 * Reads only these variables, for the data command: it must not fail on another module's setting.
 * An empty variable means unset, as in `loadConfig`. Throws an Error naming every bad variable.
 */
export function readDataSettings(env: NodeJS.ProcessEnv = process.env): DataOptions {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = z.object(dataSettings.variables).safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${String(issue.path[0])}=${JSON.stringify(env[String(issue.path[0])] ?? '')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return dataSettings.read(parsed.data, { production: env.NODE_ENV === 'production' });
}
