// Reads and checks the query parameters the Export API v2 declares; anything off is a 400 naming the parameter.
import { CURSOR_PATTERN } from './cursor.js';
import {
  type ExportJobItemStatus,
  type ExportJobStatus,
  ITEM_STATUSES,
  JOB_STATUSES,
  PAGE_ORDERS,
  type PageOrder,
} from './types.js';

/** A request the server rejects with 400; the message says which parameter was wrong and why. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NON_NEGATIVE_INTEGER = /^\d+$/;

export interface PageRequest {
  after?: string;
  before?: string;
  offset?: number;
  /** The effective page size: the requested limit clamped to the maximum, or the default. */
  limit: number;
  sortingKeys?: string[];
  sortingOrder?: PageOrder[];
}

export interface PagingLimits {
  defaultLimit: number;
  maxLimit: number;
  /** The keys `sorting_keys` may name on this endpoint. */
  sortingKeys: readonly string[];
}

export function parsePageRequest(params: URLSearchParams, limits: PagingLimits): PageRequest {
  const after = cursor(params, 'after');
  const before = cursor(params, 'before');
  const offsetText = single(params, 'offset');
  const given = [after && 'after', before && 'before', offsetText !== undefined && 'offset'].filter(Boolean);
  if (given.length > 1) throw new InvalidRequestError(`${given.join(' and ')} cannot be used together`);
  const limitText = single(params, 'limit');
  const limit = limitText === undefined ? limits.defaultLimit : nonNegativeInteger('limit', limitText);

  const request: PageRequest = { limit: Math.min(limit, limits.maxLimit) };
  if (after !== undefined) request.after = after;
  if (before !== undefined) request.before = before;
  if (offsetText !== undefined) request.offset = nonNegativeInteger('offset', offsetText);
  const sortingKeys = params.getAll('sorting_keys');
  const sortingOrder = params.getAll('sorting_order');
  for (const key of sortingKeys) {
    if (!limits.sortingKeys.includes(key)) {
      const supported = limits.sortingKeys.length > 0 ? limits.sortingKeys.join(', ') : 'none';
      throw new InvalidRequestError(`sorting_keys: unknown key '${key}' (supported: ${supported})`);
    }
  }
  for (const order of sortingOrder) oneOf('sorting_order', order, PAGE_ORDERS);
  if (sortingOrder.length > 0 && sortingOrder.length !== sortingKeys.length) {
    throw new InvalidRequestError(
      `sorting_order must have one entry per sorting_keys entry (${sortingOrder.length} orders for ${sortingKeys.length} keys)`,
    );
  }
  if (sortingKeys.length > 0) request.sortingKeys = sortingKeys;
  if (sortingOrder.length > 0) request.sortingOrder = sortingOrder as PageOrder[];
  return request;
}

export interface JobFilters {
  companyId?: string;
  /** The union of `statuses` and the deprecated `status`; empty means every status. */
  statuses: ExportJobStatus[];
}

export function parseJobFilters(params: URLSearchParams): JobFilters {
  const companyId = single(params, 'company_id');
  if (companyId !== undefined && !UUID.test(companyId)) {
    throw new InvalidRequestError(`company_id must be a UUID, got '${companyId}'`);
  }
  const statuses = params.getAll('statuses').map((value) => oneOf('statuses', value, JOB_STATUSES));
  const status = single(params, 'status');
  if (status !== undefined) statuses.push(oneOf('status', status, JOB_STATUSES));
  return companyId === undefined ? { statuses } : { companyId: companyId.toLowerCase(), statuses };
}

export function parseItemStatus(params: URLSearchParams): ExportJobItemStatus | undefined {
  const status = single(params, 'status');
  return status === undefined ? undefined : oneOf('status', status, ITEM_STATUSES);
}

/** The request's filter parameters as given, for `currentRequestPagination.parameters`. */
export function filterParameters(
  params: URLSearchParams,
  names: readonly string[],
): Record<string, string[]> {
  const parameters: Record<string, string[]> = {};
  for (const name of names) {
    const values = params.getAll(name);
    if (values.length > 0) parameters[name] = values;
  }
  return parameters;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new InvalidRequestError(`${name} must be given at most once`);
  return values[0];
}

function cursor(params: URLSearchParams, name: 'after' | 'before'): string | undefined {
  const value = single(params, name);
  if (value !== undefined && !CURSOR_PATTERN.test(value)) {
    throw new InvalidRequestError(`${name} must match ${CURSOR_PATTERN.source}, got '${value}'`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: string): number {
  const parsed = Number(value);
  if (!NON_NEGATIVE_INTEGER.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidRequestError(`${name} must be a non-negative integer, got '${value}'`);
  }
  return parsed;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidRequestError(
      `${name}: unknown value '${value}' (expected one of ${allowed.join(', ')})`,
    );
  }
  return value as T;
}
