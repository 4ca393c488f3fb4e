// Region and credentials for `npm start`. The embedded parts and AWS emulators on this machine (dynalite, fauxqs,
// DynamoDB Local, LocalStack) accept any signature, so a run whose AWS calls all stay on this machine needs no AWS
// account and ignores AWS_PROFILE; a run that calls a real AWS service signs every call with the caller's own
// credentials, as the SDK finds them (AWS_PROFILE, `aws configure`, …).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '../functions/config/env.js';

const { PLEO_CREDENTIAL_SECRET_ARN } = ENV;

/** The region when neither AWS_REGION, AWS_DEFAULT_REGION nor the AWS profile names one. */
export const DEFAULT_REGION = 'eu-west-1';
/** What signs calls that stay on this machine, when AWS_ACCESS_KEY_ID is not set. */
export const STAND_IN_KEY = 'local';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** An endpoint on this machine: localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { hostname } = new URL(value);
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The variables of the AWS services this run will call off this machine, given the environment as the user set
 * it (before the embedded parts announce themselves): a DynamoDB or SNS endpoint elsewhere, and Secrets Manager
 * for PLEO_CREDENTIAL_SECRET_ARN unless its endpoint is on this machine.
 */
export function remoteAwsServices(env: NodeJS.ProcessEnv): string[] {
  const remote: string[] = [];
  for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS'] as const) {
    const endpoint = env[name];
    if (endpoint && !isLoopbackUrl(endpoint)) remote.push(name);
  }
  if (env[PLEO_CREDENTIAL_SECRET_ARN] !== undefined) {
    const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
    if (!endpoint || !isLoopbackUrl(endpoint)) remote.push(PLEO_CREDENTIAL_SECRET_ARN);
  }
  return remote;
}

/**
 * Sets AWS_REGION (from AWS_DEFAULT_REGION, else the AWS profile's region, else DEFAULT_REGION) so that the
 * embedded parts and the clients agree on it; when every AWS call stays on this machine and AWS_ACCESS_KEY_ID is
 * not set, sets stand-in credentials and drops AWS_PROFILE (which would otherwise take precedence over them, and a
 * missing or expired profile would stop a run that needs none). Call before the embedded parts start.
 * @returns the region
 */
export async function applyAwsDefaults(env: NodeJS.ProcessEnv): Promise<string> {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion()) || DEFAULT_REGION;
  env.AWS_REGION = region;
  if (remoteAwsServices(env).length === 0 && !env.AWS_ACCESS_KEY_ID) {
    delete env.AWS_PROFILE;
    env.AWS_ACCESS_KEY_ID = STAND_IN_KEY;
    env.AWS_SECRET_ACCESS_KEY = STAND_IN_KEY;
    delete env.AWS_SESSION_TOKEN;
  }
  return region;
}

/** The region of the AWS profile in use (the SDK's own lookup: config files, no network), if it names one. */
async function profileRegion(): Promise<string | undefined> {
  const client = new DynamoDBClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
