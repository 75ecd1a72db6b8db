/**
 * Ends an operation that spent its work budget (src/work-budget.ts) with that one error, dropping what it built but keeping
 * the shape a router relies on: a root list of nullable items (`_entities`) becomes as many nulls, a nullable root field
 * null; a non-null root field nulls the whole `data`, as null propagation would.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { getNullableType, isListType, isNonNullType, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Context } from '../context.js';

export const budgetPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue, operation, schema }) {
        const { budget } = contextValue;
        if (!budget.exhausted || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const error = budget.error();
        result.data = operation ? emptied(result.data, operation, schema) : null;
        result.errors = [{ message: error.message, extensions: { code: error.code } }];
      },
    };
  },
};

/** The data with every root field emptied as the header says, or null when a root field cannot be. */
function emptied(data: Record<string, unknown> | null | undefined, operation: OperationDefinitionNode, schema: GraphQLSchema): Record<string, unknown> | null {
  if (!data) return null;
  const root = schema.getRootType(operation.operation);
  const out: Record<string, unknown> = {};
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return null;
    const key = selection.alias?.value ?? selection.name.value;
    const type = root?.getFields()[selection.name.value]?.type;
    if (!type || !(key in data)) continue;
    const value = data[key];
    const list = getNullableType(type);
    if (isListType(list) && !isNonNullType(list.ofType) && Array.isArray(value)) out[key] = value.map(() => null);
    else if (!isNonNullType(type)) out[key] = null;
    else return null;
  }
  return out;
}
