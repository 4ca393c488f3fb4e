// The architecture's rules hold in functions/, and the check catches each kind of break planted in a small tree.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureViolations, functionsSources, type SourceFile } from './imports.js';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe('the architecture of functions/ and cli/', () => {
  it('holds: no layer imports what it must not', () => {
    // Prepare
    const sources = functionsSources(ROOT);

    // Act
    const violations = architectureViolations(sources);

    // Assess
    expect(sources.length).toBeGreaterThan(40);
    expect(violations).toEqual([]);
  });

  it.each<[string, SourceFile, string]>([
    [
      'functions/ importing lib/',
      {
        path: 'functions/handlers/poller/x.ts',
        text: "import { loadConfig } from '../../../lib/config.js';",
      },
      'functions/handlers/poller/x.ts imports lib/config.ts: functions/ never imports lib/, local/, bench/, test/ or cli/',
    ],
    [
      'functions/ importing the CLI',
      { path: 'functions/app/x.ts', text: "import { run } from '../../cli/main.js';" },
      'functions/app/x.ts imports cli/main.ts: functions/ never imports lib/, local/, bench/, test/ or cli/',
    ],
    [
      'the CLI importing the CDK app',
      { path: 'cli/commands/x.ts', text: "import { loadConfig } from '../../lib/config.js';" },
      'cli/commands/x.ts imports lib/config.ts: cli/ never imports lib/, bench/ or test/',
    ],
    [
      'a use case importing an adapter',
      { path: 'functions/app/x.ts', text: "import { PleoClient } from '../adapters/pleo/client.js';" },
      'functions/app/x.ts imports functions/adapters/pleo/client.ts: the core (domain, render, app, contracts) never imports an adapter or a handler',
    ],
    [
      'the domain importing a handler, for a type only',
      {
        path: 'functions/domain/x.ts',
        text: "import type { PollOutcome } from '../handlers/poller/compose.js';",
      },
      'functions/domain/x.ts imports functions/handlers/poller/compose.ts: the core (domain, render, app, contracts) never imports an adapter or a handler',
    ],
    [
      'a use case loading an adapter on demand',
      {
        path: 'functions/app/x.ts',
        text: "const { SnsAlertPublisher } = await import('../adapters/sns/publisher.js');",
      },
      'functions/app/x.ts imports functions/adapters/sns/publisher.ts: the core (domain, render, app, contracts) never imports an adapter or a handler',
    ],
    [
      'one adapter importing another',
      {
        path: 'functions/adapters/secrets/x.ts',
        text: "import type { PleoCredential } from '../pleo/client.js';",
      },
      'functions/adapters/secrets/x.ts imports functions/adapters/pleo/client.ts: an adapter never imports another adapter',
    ],
    [
      'the domain importing the AWS SDK',
      { path: 'functions/domain/x.ts', text: "import { SNSClient } from '@aws-sdk/client-sns';" },
      'functions/domain/x.ts imports @aws-sdk/client-sns: domain/ and render/ do no I/O: no AWS SDK, no HTTP',
    ],
    [
      'rendering over HTTP',
      { path: 'functions/render/x.ts', text: "import { request } from 'node:https';" },
      'functions/render/x.ts imports node:https: domain/ and render/ do no I/O: no AWS SDK, no HTTP',
    ],
    [
      'rendering with fetch',
      {
        path: 'functions/render/x.ts',
        text: 'export const logo = async () => (await fetch(LOGO_URL)).text();',
      },
      'functions/render/x.ts calls fetch: domain/ and render/ do no I/O',
    ],
    [
      'the domain reading the environment',
      { path: 'functions/domain/x.ts', text: 'export const grace = Number(process.env.FLAP_GRACE_MINUTES);' },
      'functions/domain/x.ts reads process.env: domain/ and render/ are given their settings',
    ],
    [
      'a shared helper importing a use case',
      { path: 'functions/shared/x.ts', text: "import type { Log } from '../app/ports.js';" },
      'functions/shared/x.ts imports functions/app/ports.ts: shared/ is used by every layer and uses none',
    ],
  ])('catches %s', (_case, planted, violation) => {
    // Prepare: a tree that keeps the rules, and the one file that breaks one.
    const fine: SourceFile[] = [
      { path: 'functions/app/ports.ts', text: "import type { Alert } from '../domain/alert.js';" },
      {
        path: 'functions/adapters/sns/publisher.ts',
        text: "import type { AlertPublisher } from '../../app/ports.js';\nimport { SNSClient } from '@aws-sdk/client-sns';",
      },
      {
        path: 'functions/domain/alert.ts',
        text: '// process.env is read by the handlers, never here\nexport interface Alert {}',
      },
    ];

    // Act
    const violations = architectureViolations([...fine, planted]);

    // Assess
    expect(violations).toEqual([violation]);
  });
});
