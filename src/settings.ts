/**
 * How a module declares its configuration: the environment variables it reads, each a zod schema
 * with its default, bounds and `.describe()` text (with units), and what the module makes of them.
 * The declaration sits next to the code that uses it; `config.ts` only composes the declarations,
 * and `.env.example` and docs/configuration.md are generated from them (`npm run config:docs`).
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

/** What every module may read besides its own variables. */
export interface Mode {
  /** `NODE_ENV=production`: some defaults differ (introspection, the explorer, CORS). */
  readonly production: boolean;
}

/** Reports a problem with one variable; `config.ts` collects them all before failing. */
export type Report = (variable: string, message: string) => void;

export interface Settings<Shape extends z.ZodRawShape, Options> {
  /** Heading of the group in the generated files, e.g. `Geocodio`. */
  readonly title: string;
  /** One zod schema per variable; the variable's name is the key. */
  readonly variables: Shape;
  /** The module's options from its parsed variables. */
  read(env: z.output<z.ZodObject<Shape>>, mode: Mode): Options;
  /** Rules that span several of this module's variables. */
  check?(env: z.output<z.ZodObject<Shape>>, report: Report, mode: Mode): void;
}

/** Declares a module's settings (an identity function that fixes the types). */
export function defineSettings<Shape extends z.ZodRawShape, Options>(settings: Settings<Shape, Options>): Settings<Shape, Options> {
  return settings;
}

/** The options a declaration produces. */
export type OptionsOf<S extends { read(...args: never[]): unknown }> = ReturnType<S['read']>;

// Variable kinds shared by the declarations. Environment values are strings; these coerce them.

/** A whole number in [min, max]. */
export const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** A TCP port, 0 to 65535 (0 picks a free one), with a message that says so. */
export const port = (fallback: number) => {
  const error = 'a TCP port: a whole number from 0 to 65535 (0 picks a free one)';
  return z.coerce.number({ error }).int({ error }).min(0, { error }).max(65535, { error }).default(fallback);
};

/** A duration in ms in [min, max]. */
export const ms = int;

/** `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`. */
export const bool = (fallback: boolean) => z.stringbool().default(fallback);

/** A boolean whose default depends on the mode: `undefined` when unset. */
export const optionalBool = () => z.stringbool().optional();

/** A comma-separated list; blanks dropped. */
export const list = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((item) => item.trim()).filter(Boolean));

/** An absolute http(s) URL without a trailing slash, so paths can be appended. */
export const baseUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, message: 'an absolute http:// or https:// URL' })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

/** Whether a file exists and can be read. */
export function readableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
