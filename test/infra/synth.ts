// Synthesizes the app as `cdk synth` would (cdk.json context plus overrides) and reads back template and report.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import * as z from 'zod';
import { createAlerterApp, STACK_ID } from '../../lib/alerter-app.js';

const ROOT = path.join(import.meta.dirname, '..', '..');

/**
 * How long a synth may take in a test's setup: it bundles both functions with the AWS SDK and runs cdk-nag and
 * cfn-guard, seconds on a quiet machine and over a minute on a loaded one.
 */
export const SYNTH_TIMEOUT_MS = 180_000;

/** Context that synthesizes the template without bundling the functions, for tests that read only the template. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const cdkJsonSchema = z.object({ context: z.record(z.string(), z.unknown()) });

const violationSchema = z.object({
  ruleName: z.string(),
  severity: z.string(),
  violatingConstructs: z.array(z.object({ constructPath: z.string() })),
});

const reportSchema = z.object({
  pluginReports: z.array(
    z.object({
      pluginName: z.string(),
      violations: z.array(violationSchema),
      suppressedViolations: z
        .array(violationSchema.extend({ acknowledgedId: z.string(), reason: z.string() }))
        .default([]),
    }),
  ),
});

/** One unacknowledged finding of a validation plugin (cdk-nag packs, CDK annotations). */
export interface Finding {
  plugin: string;
  rule: string;
  severity: string;
  paths: string[];
}

/** A finding acknowledged in code, with the reason given there. */
export interface Acknowledged {
  plugin: string;
  id: string;
  reason: string;
  paths: string[];
}

export interface Synthesized {
  template: Template;
  findings: Finding[];
  /** The plugins that ran and reported (the cdk-nag packs report only findings). */
  plugins: string[];
  acknowledged: Acknowledged[];
  /** Where the cloud assembly was written, bundled Lambda assets included. */
  assemblyDir: string;
}

/** What a synth leaves for the tests, kept once per context for the whole test run (test/global-setup.ts). */
interface Synth {
  assemblyDir: string;
  template: Record<string, unknown>;
  report: z.infer<typeof reportSchema>;
}

/** Synthesizes with these context values over cdk.json's, or reads back this run's synth of the same context. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const { assemblyDir, template, report } = cachedSynth(context);
  return {
    assemblyDir,
    template: Template.fromJSON(template),
    findings: report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => ({
        plugin: plugin.pluginName,
        rule: violation.ruleName,
        severity: violation.severity,
        paths: pathsOf(violation),
      })),
    ),
    plugins: report.pluginReports.map((plugin) => plugin.pluginName),
    acknowledged: report.pluginReports.flatMap((plugin) =>
      plugin.suppressedViolations.map((violation) => ({
        plugin: plugin.pluginName,
        id: violation.acknowledgedId,
        reason: violation.reason,
        paths: pathsOf(violation),
      })),
    ),
  };
}

function cachedSynth(context: Record<string, unknown>): Synth {
  const key = createHash('sha256')
    .update(JSON.stringify(Object.entries(context).sort()))
    .digest('hex');
  const file = path.join(inject('synthCacheDir'), `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Synth;
  const cdkJson = cdkJsonSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')));
  const { app } = createAlerterApp({ context: { ...cdkJson.context, ...context } });
  const assembly = app.synth();
  const synth: Synth = {
    assemblyDir: assembly.directory,
    template: assembly.getStackArtifact(STACK_ID).template,
    report: reportSchema.parse(
      JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')),
    ),
  };
  // Written whole, then renamed: a test file in another worker never reads half of it.
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(synth));
  renameSync(`${file}.${process.pid}`, file);
  return synth;
}

const pathsOf = (violation: z.infer<typeof violationSchema>): string[] =>
  violation.violatingConstructs.map((construct) => construct.constructPath);

/** The logical id of the one resource of `type` whose properties match. */
export function logicalIdOf(
  template: Template,
  type: string,
  properties: Record<string, unknown> = {},
): string {
  const ids = Object.keys(template.findResources(type, { Properties: properties }));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0] as string;
}

/** The statements of the IAM policies attached to a role. */
export function statementsOfRole(template: Template, roleLogicalId: string): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleLogicalId }] },
  });
  return Object.values(policies).flatMap(
    (policy) =>
      z
        .object({ Properties: z.object({ PolicyDocument: z.object({ Statement: z.array(z.unknown()) }) }) })
        .parse(policy).Properties.PolicyDocument.Statement,
  );
}
