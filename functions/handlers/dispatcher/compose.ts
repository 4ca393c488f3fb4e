// Builds the dispatcher's tick from configuration and runtime clients: the Lambda and the benchmark both use it.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connections.js';
import { SqsPollQueue } from '../../adapters/sqs/poll-queue.js';
import { type DispatchReport, dispatch } from '../../app/dispatch.js';
import type { Log } from '../../app/ports.js';
import type { DispatcherConfig } from '../../config/dispatcher.js';

export interface DispatcherRuntime {
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  log: Log;
}

export interface DispatchOutcome extends DispatchReport {
  /** SendMessageBatch calls made. */
  sqsRequests: number;
}

export function createDispatcher(config: DispatcherConfig, runtime: DispatcherRuntime) {
  const store = new DynamoConnectionStore(runtime.dynamo, config.tableName);
  return {
    async dispatch(): Promise<DispatchOutcome> {
      const queue = new SqsPollQueue(runtime.sqs, config.pollQueueUrl);
      const report = await dispatch({
        store,
        queue,
        stackConnection: { name: config.stackName, companies: config.companies },
        log: runtime.log,
      });
      return { ...report, sqsRequests: queue.requestCount };
    },
  };
}
