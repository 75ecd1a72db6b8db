/**
 * Schema namespacing (`SCHEMA_PREFIX`, docs/federation.md), one transformation of the canonical schema at build time.
 * Renamed: every type schema.graphql defines, and every field of the root types. Kept: the root types (composition
 * merges them), other types' fields, arguments, enum values, directives, federation's own names, built-in scalars.
 * Resolvers, generated types and tests keep the canonical names; a {@link SchemaNaming} maps between the two.
 */
import { Kind, visit, type ASTNode, type DocumentNode, type NameNode } from 'graphql';
import { z } from 'zod';
import { defineSettings } from '../settings.js';

/** A valid prefix: a GraphQL name starting with an upper-case letter, e.g. `Postal`. */
export const PREFIX_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

export const namingSettings = defineSettings({
  title: 'Schema',
  variables: {
    SCHEMA_PREFIX: z
      .string()
      .regex(PREFIX_PATTERN, 'a GraphQL name starting with an upper-case letter, e.g. Postal')
      .optional()
      .describe(
        'Serves every type this subgraph defines and every root field under this prefix (`Postal`: `PostalLocation`, `postalDistance`), to compose beside subgraphs that already use those names (docs/federation.md). Unset: the names of schema.graphql.',
      ),
  },
  read: (env) => ({ prefix: env.SCHEMA_PREFIX ?? '' }),
});

/** The names of the served schema against the canonical names of schema.graphql. */
export interface SchemaNaming {
  readonly prefix: string;
  /**
   * The served name of a canonical type, root field or coordinate (`Location` → `PostalLocation`, `Query.distances` →
   * `Query.postalDistances`); any other name as it is. A bare name is a root field if it is one: prefer coordinates.
   */
  toSchema(canonicalName: string): string;
  /** The inverse of {@link toSchema}: `PostalLocation` → `Location`, `postalDistance` → `distance`. */
  toCanonical(schemaName: string): string;
}

/** The built-in scalars and the names federation defines in a subgraph; never ours to rename. */
const RESERVED = new Set(['String', 'Int', 'Float', 'Boolean', 'ID', 'FieldSet', '_FieldSet', '_Any', '_Entity', '_Service']);
const isReserved = (name: string): boolean => RESERVED.has(name) || name.startsWith('_') || name.includes('__');

const TYPE_DEFINITIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.UNION_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.ENUM_TYPE_EXTENSION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_EXTENSION,
]);

interface TypeNode {
  readonly kind: string;
  readonly name: NameNode;
  readonly fields?: readonly { readonly kind: string; readonly name: NameNode }[];
}
const isTypeNode = (node: ASTNode): node is ASTNode & TypeNode => TYPE_DEFINITIONS.has(node.kind);

/** The canonical names, as the schema has them: served as they are. */
export const CANONICAL_NAMING: SchemaNaming = Object.freeze({ prefix: '', toSchema: (name: string) => name, toCanonical: (name: string) => name });

/** The naming of `typeDefs` under `prefix`; a `RangeError` for a prefix not matching PREFIX_PATTERN, or making a name collide. */
export function schemaNaming(typeDefs: DocumentNode, prefix: string): SchemaNaming {
  if (prefix === '') return CANONICAL_NAMING;
  if (!PREFIX_PATTERN.test(prefix)) throw new RangeError(`A schema prefix is a GraphQL name starting with an upper-case letter (e.g. Postal), got ${JSON.stringify(prefix)}`);
  const { types, rootTypes, rootFields } = definedNames(typeDefs);
  const fieldPrefix = lowerCamel(prefix);
  const forward = new Map<string, string>();
  for (const type of types) if (!rootTypes.has(type)) forward.set(type, prefix + type);
  for (const field of rootFields) {
    if (types.has(field)) throw new RangeError(`${field} is both a type and a root field: a bare name could not say which to rename`);
    forward.set(field, fieldPrefix + field.charAt(0).toUpperCase() + field.slice(1));
  }
  const backward = new Map<string, string>();
  for (const [canonical, served] of forward) {
    if (types.has(served) || rootFields.has(served) || backward.has(served)) {
      throw new RangeError(`Under the schema prefix ${prefix}, ${canonical} would be served as ${served}, a name the schema already has`);
    }
    backward.set(served, canonical);
  }

  // A `Type.field` coordinate, each part mapped; a field of a root type follows its root field's name.
  const coordinate = (name: string, map: ReadonlyMap<string, string>, isRoot: (type: string) => boolean): string => {
    const dot = name.indexOf('.');
    const type = name.slice(0, dot);
    const field = name.slice(dot + 1);
    return `${map.get(type) ?? type}.${isRoot(type) ? (map.get(field) ?? field) : field}`;
  };
  const rootType = (name: string): boolean => rootTypes.has(name);
  return Object.freeze({
    prefix,
    toSchema: (name: string) => (name.includes('.') ? coordinate(name, forward, rootType) : (forward.get(name) ?? name)),
    toCanonical: (name: string) => (name.includes('.') ? coordinate(name, backward, rootType) : (backward.get(name) ?? name)),
  });
}

/** The canonical `typeDefs` with the served names (the same document when nothing is renamed). */
export function renameTypeDefs(typeDefs: DocumentNode, naming: SchemaNaming): DocumentNode {
  if (naming.prefix === '') return typeDefs;
  const { rootTypes } = definedNames(typeDefs);
  const rename = (name: NameNode): NameNode => ({ ...name, value: naming.toSchema(name.value) });
  return visit(typeDefs, {
    // A type's own name, and every reference to it (field types, arguments, unions, implements).
    NamedType: (node) => ({ ...node, name: rename(node.name) }),
    enter(node) {
      if (!isTypeNode(node)) return undefined;
      // A root type keeps its name (composition merges them) and its fields take theirs; the
      // NamedType visitor still reaches the types of the replaced node.
      if (rootTypes.has(node.name.value)) return node.fields ? { ...node, fields: node.fields.map((field) => ({ ...field, name: rename(field.name) })) } : undefined;
      return { ...node, name: rename(node.name) };
    },
  });
}

/** A resolver map in the shape `@apollo/subgraph` takes: resolvers (or a scalar) by type name. */
export type ResolverMap = Readonly<Record<string, object>>;

/** The canonical resolver map keyed by the served names (types, and root types' fields); anything else as it is. */
export function renameResolvers(resolvers: ResolverMap, naming: SchemaNaming): ResolverMap {
  if (naming.prefix === '') return resolvers;
  return Object.fromEntries(
    Object.entries(resolvers).map(([type, fields]) => {
      const served = naming.toSchema(type);
      if (served !== type) return [served, fields];
      const entries = Object.entries(fields as Record<string, unknown>);
      const names = entries.map(([field]) => naming.toSchema(`${type}.${field}`).slice(type.length + 1));
      if (names.every((name, i) => name === entries[i]![0])) return [type, fields];
      return [type, Object.fromEntries(entries.map(([, resolver], i) => [names[i], resolver]))];
    }),
  );
}

/** A prefix in lower camel case, for field names: `Postal` → `postal`, `PD` → `pd`, `PDGeo` → `pdGeo`. */
export function lowerCamel(prefix: string): string {
  const run = /^[A-Z]+/.exec(prefix)?.[0] ?? '';
  const next = prefix.charAt(run.length);
  const length = run.length > 1 && /[a-z]/.test(next) ? run.length - 1 : run.length;
  return prefix.slice(0, length).toLowerCase() + prefix.slice(length);
}

/** The names `typeDefs` defines that may be renamed, and which of its types are roots. */
function definedNames(typeDefs: DocumentNode): { types: Set<string>; rootTypes: Set<string>; rootFields: Set<string> } {
  const rootTypes = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      for (const operation of definition.operationTypes ?? []) rootTypes.add(operation.type.name.value);
    }
  }
  if (rootTypes.size === 0) for (const name of ['Query', 'Mutation', 'Subscription']) rootTypes.add(name);
  const types = new Set<string>();
  const rootFields = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (!isTypeNode(definition) || isReserved(definition.name.value)) continue;
    types.add(definition.name.value);
    if (rootTypes.has(definition.name.value)) for (const field of definition.fields ?? []) if (!isReserved(field.name.value)) rootFields.add(field.name.value);
  }
  return { types, rootTypes, rootFields };
}
