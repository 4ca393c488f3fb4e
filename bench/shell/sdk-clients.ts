// The AWS SDK clients the poller builds at load, imported and nothing else, like the runtime-SDK figure. Bundled
// with the SDK in, it is the floor the poller would have if the SDK were bundled instead of left to the runtime.
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
