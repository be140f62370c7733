import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse, type SelectionSetNode } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { maskError, unauthenticated } from './errors.ts';
import { schema } from './schema.ts';

const META_FIELDS = new Set(['__schema', '__type', '__typename']);

/** The operation a request runs: the one named, or the document's only one. */
function selectedOperation(document: DocumentNode, operationName: string | undefined | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * Whether the operation a request runs reads nothing but the schema: a query whose root fields, through
 * fragments too, are all `__schema`, `__type` or `__typename`.
 */
export function isIntrospectionOnly(document: DocumentNode, operationName?: string | null): boolean {
  const operation = selectedOperation(document, operationName);
  if (!operation || operation.operation !== 'query') return false;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const seen = new Set<string>();
  const onlyMeta = (selections: SelectionSetNode): boolean =>
    selections.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return META_FIELDS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyMeta(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment) return false;
      if (seen.has(fragment.name.value)) return true;
      seen.add(fragment.name.value);
      return onlyMeta(fragment.selectionSet);
    });
  return onlyMeta(operation.selectionSet);
}

export type IntrospectionServer = YogaServerInstance<Record<string, never>, Record<string, never>>;

/**
 * What a request without a valid token may run: introspection, so that GraphiQL (and codegen, editors)
 * open on the schema before a token is set. The schema is no secret: it is printed in the repository.
 * Anything else is refused as without a token (HTTP 401, `UNAUTHENTICATED`), before any resolver runs;
 * the same limits apply, and the request counted against the client's address by the route.
 */
export function createIntrospectionServer(graphqlEndpoint: string, limits: Plugin): IntrospectionServer {
  return createYoga<Record<string, never>, Record<string, never>>({
    schema,
    graphqlEndpoint,
    landingPage: false,
    graphiql: false,
    cors: false,
    maskedErrors: { maskError },
    // The document has passed parsing and validation, with the limits, by the time the context is built.
    context: ({ params }) => {
      if (!params.query || !isIntrospectionOnly(parse(params.query), params.operationName)) throw unauthenticated();
      return {};
    },
    plugins: [limits],
  });
}
