/**
 * The variables of the data directory and its downloads, read by the data command and by the embedded
 * geocoder's settings (src/geocoding/providers/embedded.ts), so what the command accepts the service
 * loads. docs/data.md says what each cap stops.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { baseUrl, defineSettings, int, list, ms, type OptionsOf } from '../settings.js';
import { parseDataset } from './datasets.js';

/** The project's root, found from this module (src/data or dist/data), never from the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DownloadLimits {
  /** Bytes of the zip (`GEONAMES_MAX_DOWNLOAD_BYTES`). */
  readonly maxDownloadBytes: number;
  /** Bytes of the data file extracted from it (`GEONAMES_MAX_FILE_BYTES`). */
  readonly maxFileBytes: number;
  /** Rows of that file (`GEONAMES_MAX_ROWS`). */
  readonly maxRows: number;
  /** Longest wait without a byte from the mirror, in ms (`GEONAMES_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs: number;
  /** Longest a whole download may take, in ms (`GEONAMES_DOWNLOAD_DEADLINE_MS`). */
  readonly deadlineMs: number;
}

/** Well above GeoNames' largest files (under 2 million rows), well below what would harm a replica. */
export const DEFAULT_LIMITS: DownloadLimits = {
  maxDownloadBytes: 256 * 2 ** 20,
  maxFileBytes: 2 ** 30,
  maxRows: 5_000_000,
  idleTimeoutMs: 30_000,
  deadlineMs: 600_000,
};

/** The default bound on postal codes held in memory, every file together (`GEONAMES_MAX_LOADED_ROWS`). */
export const DEFAULT_MAX_LOADED_ROWS = 6_000_000;

const GIB_64 = 64 * 2 ** 30;

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
      .superRefine((names, ctx) => {
        for (const name of names) {
          try {
            parseDataset(name);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }
      })
      .transform((names) => [...new Map(names.map((name) => parseDataset(name)).map((dataset) => [dataset.name, dataset])).values()])
      .describe(
        'Datasets the embedded geocoder downloads into DATA_DIR at start-up when they are missing, comma-separated: country codes (DE), full-code files (GB_full), allCountries. Files already there are not fetched.',
      ),
    DATA_OVERRIDES: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A file of your own rows in the GeoNames column layout, loaded after every dataset: each row replaces the data's row for its code or adds a code the data lacks, and answers with source `overrides`. Read strictly: a line that is not a valid row stops start-up (docs/data.md).",
      ),
    GEONAMES_BASE_URL: baseUrl('https://download.geonames.org/export/zip').describe(
      "GeoNames' postal-code export, or a mirror with its layout ({CC}.zip, {CC}_full.csv.zip, allCountries.zip).",
    ),
    GEONAMES_MAX_DOWNLOAD_BYTES: int(1024, GIB_64, DEFAULT_LIMITS.maxDownloadBytes).describe(
      'Largest zip a dataset download may be, in bytes (256 MiB); a larger one is refused as soon as its Content-Length or its bytes pass it, and nothing is kept.',
    ),
    GEONAMES_MAX_FILE_BYTES: int(1024, GIB_64, DEFAULT_LIMITS.maxFileBytes).describe(
      'Largest data file a dataset zip may extract to, in bytes (1 GiB); checked against the size the zip declares, then against the bytes actually inflated.',
    ),
    GEONAMES_MAX_ROWS: int(1, 1_000_000_000, DEFAULT_LIMITS.maxRows).describe('Most rows a downloaded dataset may hold; counted while it is checked.'),
    GEONAMES_MAX_LOADED_ROWS: int(1, 1_000_000_000, DEFAULT_MAX_LOADED_ROWS).describe(
      'Most postal codes the embedded geocoder holds in memory, every file together; a file that would pass it is not loaded (logged at error level, listed on /readyz) and the service starts without it.',
    ),
    GEONAMES_IDLE_TIMEOUT_MS: ms(100, 600_000, DEFAULT_LIMITS.idleTimeoutMs).describe(
      'Longest wait for the mirror to connect, answer or send the next byte of a download, in ms.',
    ),
    GEONAMES_DOWNLOAD_DEADLINE_MS: ms(100, 86_400_000, DEFAULT_LIMITS.deadlineMs).describe(
      'Longest a whole dataset download may take, however steadily bytes arrive, in ms (10 minutes).',
    ),
  },
  read: (env) => ({
    dir: env.DATA_DIR,
    countries: env.GEONAMES_COUNTRIES,
    baseUrl: env.GEONAMES_BASE_URL,
    limits: {
      maxDownloadBytes: env.GEONAMES_MAX_DOWNLOAD_BYTES,
      maxFileBytes: env.GEONAMES_MAX_FILE_BYTES,
      maxRows: env.GEONAMES_MAX_ROWS,
      idleTimeoutMs: env.GEONAMES_IDLE_TIMEOUT_MS,
      deadlineMs: env.GEONAMES_DOWNLOAD_DEADLINE_MS,
    } satisfies DownloadLimits,
    maxLoadedRows: env.GEONAMES_MAX_LOADED_ROWS,
    overrides: env.DATA_OVERRIDES,
  }),
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
