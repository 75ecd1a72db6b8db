/**
 * How a module declares the environment variables it reads (zod schemas with default, bounds and a `.describe()`
 * with units) and what it makes of them. `.env.example` and docs/configuration.md are generated from these.
 */
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

export interface Mode {
  /** `NODE_ENV=production`: some defaults differ (introspection, the explorer, CORS). */
  readonly production: boolean;
}

/** Reports a problem with one variable; `config.ts` collects them all before failing. */
export type Report = (variable: string, message: string) => void;

export interface Settings<Shape extends z.ZodRawShape, Options> {
  readonly title: string;
  readonly variables: Shape;
  read(env: z.output<z.ZodObject<Shape>>, mode: Mode): Options;
  /** Rules that span several of this module's variables. */
  check?(env: z.output<z.ZodObject<Shape>>, report: Report, mode: Mode): void;
}

/** Declares a module's settings (an identity function that fixes the types). */
export function defineSettings<Shape extends z.ZodRawShape, Options>(settings: Settings<Shape, Options>): Settings<Shape, Options> {
  return settings;
}

export type OptionsOf<S extends { read(...args: never[]): unknown }> = ReturnType<S['read']>;

/** A whole number in [min, max]; `ms` is the same, for a duration in milliseconds. */
export const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const port = (fallback: number) => {
  const error = 'a TCP port: a whole number from 0 to 65535 (0 picks a free one)';
  return z.coerce.number({ error }).int({ error }).min(0, { error }).max(65535, { error }).default(fallback);
};

export const ms = int;

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

export function readableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
