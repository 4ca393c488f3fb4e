// A Lambda Function URL's request and response (payload format 2.0) as the endpoint reads and writes them.
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from './endpoint.js';

/** The request, with its body's bytes exactly as they were sent (Slack's signature covers them). */
export function requestOf(event: LambdaFunctionURLEvent): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: event.rawQueryString ?? '',
    headers,
    rawBody: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

export function resultOf(response: HttpResponse): LambdaFunctionURLResult {
  return { statusCode: response.status, headers: response.headers, body: response.body };
}
