// Validates response bodies against the component schemas of spec/pleo/export-api.v2.openapi.yaml.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

export type SchemaName =
  | 'CursorPaginatedResponseExportJob'
  | 'DataResponseExportJob'
  | 'CursorPaginatedResponseExportJobItem'
  | 'ExceptionInfo'
  | 'ExportJob'
  | 'ExportJobItem';

const SPEC = new URL('../../spec/pleo/export-api.v2.openapi.yaml', import.meta.url);
const SPEC_ID = 'export-api.v2';

/** Adjusts the spec's schemas, in place, to what OpenAPI 3.0 means and JSON Schema validators read. */
function adaptToJsonSchema(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) adaptToJsonSchema(child);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  // The spec documents the date format in `pattern` ('YYYY-MM-DDTHH:mi:ssZ'): as a regex it matches no real date.
  // Only that doc-string pattern goes; `format: date-time` still checks the dates.
  if (schema.format === 'date-time' && schema.pattern === 'YYYY-MM-DDTHH:mi:ssZ') delete schema.pattern;
  // OpenAPI 3.0 `nullable: true` admits null as a value; ajv's `nullable` widens `type` but not `enum`.
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...schema.enum, null];
  }
  for (const child of Object.values(schema)) adaptToJsonSchema(child);
}

/** Returns a function giving the validation errors of a value (empty when it conforms). */
export function createSpecValidator(): (schema: SchemaName, value: unknown) => string[] {
  const spec = parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const schemas = structuredClone(spec.components.schemas);
  adaptToJsonSchema(schemas);
  const ajv = new Ajv({ allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, which carries `.default`.
  ajvFormats.default(ajv);
  // The spec's refs are '#/components/schemas/X': keep that layout under an $id so they resolve as written.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
  return (schema, value) => {
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schema}`);
    if (!validate) throw new Error(`No schema ${schema} in the spec`);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  };
}
