// Cuts one page out of an ordered listing and describes it the way Pleo's CursorPageInfo does.
import { decodeItemCursor, decodeJobCursor, encodeItemCursor, encodeJobCursor } from './cursor.js';
import { InvalidRequestError, type PageRequest } from './query.js';
import { compareJobKeys, type JobOrder, jobKey } from './store.js';
import type { CursorPaginatedResponse, ExportJob } from './types.js';

/** How a listing turns cursors into positions and back. */
export interface CursorCodec {
  /** The index of the first entry after the cursor. */
  startAfter(cursor: string): number;
  /** The index just past the last entry before the cursor. */
  endBefore(cursor: string): number;
  at(index: number): string;
}

export function paginate<T>(
  entries: readonly T[],
  request: PageRequest,
  codec: CursorCodec,
  parameters: Record<string, string[]>,
): CursorPaginatedResponse<T> {
  const total = entries.length;
  let start: number;
  let end: number;
  if (request.before !== undefined) {
    end = codec.endBefore(request.before);
    start = Math.max(0, end - request.limit);
  } else {
    start = Math.min(
      total,
      request.after !== undefined ? codec.startAfter(request.after) : (request.offset ?? 0),
    );
    end = Math.min(total, start + request.limit);
  }
  const { limit, after, before, offset, sortingKeys, sortingOrder } = request;
  return {
    data: entries.slice(start, end),
    pagination: {
      currentRequestPagination: {
        parameters,
        limit,
        ...(after !== undefined && { after }),
        ...(before !== undefined && { before }),
        ...(offset !== undefined && { offset }),
        ...(sortingKeys && { sortingKeys }),
        ...(sortingOrder && { sortingOrder }),
      },
      hasNextPage: end < total,
      hasPreviousPage: start > 0,
      ...(start < end && { startCursor: codec.at(start), endCursor: codec.at(end - 1) }),
      total,
    },
  };
}

/** Job cursors hold a sort key, found again by binary search: new jobs elsewhere in the list shift nothing. */
export function jobCursorCodec(view: readonly ExportJob[], order: JobOrder): CursorCodec {
  const compare = compareJobKeys(order);
  // The first index whose job sorts after (or, with `inclusive`, at) the cursor's key.
  const search = (cursor: string, inclusive: boolean): number => {
    const key = decodeJobCursor(cursor);
    if (!key) throw new InvalidRequestError(`'${cursor}' is not a cursor of this listing`);
    let low = 0;
    let high = view.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const diff = compare(jobKey(view[mid] as ExportJob), key);
      if (diff > 0 || (inclusive && diff === 0)) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  return {
    startAfter: (cursor) => search(cursor, false),
    endBefore: (cursor) => search(cursor, true),
    at: (index) => encodeJobCursor(jobKey(view[index] as ExportJob)),
  };
}

/** A job's items never reorder, so their cursors hold a plain index. */
export function itemCursorCodec(count: number): CursorCodec {
  const decode = (cursor: string): number => {
    const index = decodeItemCursor(cursor);
    if (index === undefined) throw new InvalidRequestError(`'${cursor}' is not a cursor of this listing`);
    return index;
  };
  return {
    startAfter: (cursor) => decode(cursor) + 1,
    endBefore: (cursor) => Math.min(count, decode(cursor)),
    at: encodeItemCursor,
  };
}
