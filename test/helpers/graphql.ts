import { toJson } from './deep-json.ts';
import type { TestServer } from './server.ts';

/** A GraphQL response as received over HTTP. */
export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
    data?: any;
    errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

export interface GraphQLRequest {
  token?: string | undefined;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function describe(query: string, request: GraphQLRequest, response: GraphQLResponse): string {
  return [
    `query:\n${query.trim()}`,
    `variables: ${JSON.stringify(request.variables ?? {})}`,
    `status: ${response.status}`,
    `body: ${JSON.stringify(response.body, null, 2)}`,
  ].join('\n');
}

/** Posts GraphQL to the test server over real HTTP. */
export async function postGraphQL(server: TestServer, query: string, request: GraphQLRequest = {}): Promise<GraphQLResponse> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    },
    body: toJson({ query, variables: request.variables, operationName: request.operationName }),
  });
  const text = await response.text();
  let body: GraphQLResponse['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (status ${response.status}) for\n${query}\n---\n${text}`);
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * A client for one test file. `data()` fails loudly (with the query, variables and whole body) when the
 * response has errors; `errors()` fails when it has none.
 */
export function graphqlClient(server: TestServer) {
  return {
    raw: (query: string, request: GraphQLRequest = {}) => postGraphQL(server, query, request),

    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary shapes
    async data(token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
      const request = { token, variables };
      const response = await postGraphQL(server, query, request);
      if (response.status !== 200 || response.body.errors?.length || !response.body.data) {
        throw new Error(`expected data, got errors\n${describe(query, request, response)}`);
      }
      return response.body.data;
    },

    async errors(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
      const request = { token, variables };
      const response = await postGraphQL(server, query, request);
      if (!response.body.errors?.length) throw new Error(`expected errors, got none\n${describe(query, request, response)}`);
      return response;
    },
  };
}
