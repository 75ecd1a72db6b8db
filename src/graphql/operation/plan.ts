/**
 * The plan of an operation: its selections with fragments inlined and each field resolved against the schema, made once
 * per parsed operation (analysis.ts), so no request walks the document. Inlining multiplies selections, so a plan holds at
 * most `maxFields` fields and `planOperation` refuses an operation that expands past it.
 */
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { AppError } from '../../errors.js';

export interface PlannedField {
  /** The key the field answers under: its alias, or its name. */
  readonly key: string;
  readonly node: FieldNode;
  /** Its schema coordinate in canonical names (`Query.distances`, `Location.nearby`). */
  readonly coordinate: string;
  /** Its definition; introspection's meta fields (`__typename`, `__schema`, `__type`) included. */
  readonly definition: GraphQLField<unknown, unknown>;
  readonly parent: GraphQLCompositeType;
  readonly returnsList: boolean;
  /** `@skip` and `@include` on the field and on every fragment around it. */
  readonly conditions: readonly DirectiveNode[];
  readonly children: readonly PlannedField[];
}

export interface PlanOptions {
  /** Maps a served coordinate to the canonical one (they differ under SCHEMA_PREFIX). */
  readonly toCanonical: (coordinate: string) => string;
  readonly maxFields: number;
}

/** The root fields planned; BAD_USER_INPUT past `maxFields`. A field the schema lacks is left out (validation refused it). */
export function planOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, options: PlanOptions): readonly PlannedField[] {
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let planned = 0;

  const plan = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, conditions: readonly DirectiveNode[], spread: ReadonlySet<string>): PlannedField[] => {
    const fields: PlannedField[] = [];
    for (const selection of selectionSet.selections) {
      const here = withConditions(conditions, selection.directives);
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) fields.push(...plan(selection.selectionSet, type, here, spread));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        // A cycle is a validation error; it never gets here, but must not loop if it did.
        if (fragment && isCompositeType(type) && !spread.has(name)) fields.push(...plan(fragment.selectionSet, type, here, new Set([...spread, name])));
        continue;
      }
      const definition = fieldDefinition(schema, parent, selection.name.value);
      if (!definition) continue;
      if (++planned > options.maxFields) {
        throw new AppError('BAD_USER_INPUT', `This operation selects more than ${options.maxFields} fields once its fragments are expanded; select each field once.`);
      }
      const target = getNamedType(definition.type);
      fields.push({
        key: selection.alias?.value ?? selection.name.value,
        node: selection,
        coordinate: options.toCanonical(`${parent.name}.${definition.name}`),
        definition,
        parent,
        returnsList: isListType(isNonNullType(definition.type) ? definition.type.ofType : definition.type),
        conditions: here,
        children: selection.selectionSet && isCompositeType(target) ? plan(selection.selectionSet, target, [], spread) : [],
      });
    }
    return fields;
  };

  return plan(operation.selectionSet, root, [], new Set());
}

/** `@skip`/`@include` of a selection added to those around it; other directives are not conditions. */
function withConditions(around: readonly DirectiveNode[], directives: readonly DirectiveNode[] | undefined): readonly DirectiveNode[] {
  const own = directives?.filter((d) => d.name.value === 'skip' || d.name.value === 'include') ?? [];
  return own.length === 0 ? around : [...around, ...own];
}

/** A field of `parent` by name, introspection's meta fields included. */
function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}
