// Small helpers for calling the demo Export API from tests over real HTTP.
import type { DemoApi } from '../../local/demo-api/server.js';

export function basicAuth(apiKey: string, password = ''): string {
  return `Basic ${Buffer.from(`${apiKey}:${password}`).toString('base64')}`;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GETs a path (with query) using the demo key unless other headers are given, and parses the JSON body. */
export async function getJson(
  api: DemoApi,
  pathAndQuery: string,
  headers: Record<string, string> = { authorization: basicAuth('demo-key') },
): Promise<JsonResponse> {
  const response = await fetch(`${api.url}${pathAndQuery}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The typed body of a successful list call. */
export interface Page<T> {
  data: T[];
  pagination: {
    currentRequestPagination: Record<string, unknown>;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor?: string;
    endCursor?: string;
    total?: number;
  };
}

export async function getPage<T>(api: DemoApi, pathAndQuery: string): Promise<Page<T>> {
  const response = await getJson(api, pathAndQuery);
  if (response.status !== 200)
    throw new Error(`GET ${pathAndQuery}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Page<T>;
}

/**
 * Follows endCursor until hasNextPage is false, from the first page or from `startAfter`; returns every page.
 * Bounded so that a cursor bug cannot loop forever.
 */
export async function walkPages<T>(
  api: DemoApi,
  path: string,
  query: string,
  startAfter?: string,
): Promise<Page<T>[]> {
  const maxPages = 200;
  const pages: Page<T>[] = [];
  let after = startAfter;
  do {
    const cursor = after === undefined ? '' : `&after=${encodeURIComponent(after)}`;
    const page = await getPage<T>(api, `${path}?${query}${cursor}`);
    pages.push(page);
    after = page.pagination.hasNextPage ? page.pagination.endCursor : undefined;
  } while (after !== undefined && pages.length < maxPages);
  return pages;
}
