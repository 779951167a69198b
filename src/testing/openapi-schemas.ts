/**
 * @module testing/openapi-schemas
 * Checks a value against a named schema of an OpenAPI 3.1 document (`components.schemas`), with
 * Ajv's 2020-12 dialect (the one OpenAPI 3.1 uses): the unit tests hold the Worker's answers to
 * the document it generates, the suites hold a target's answers to the document it serves.
 */
import { Ajv2020 } from "ajv/dist/2020.js";

/**
 * A checker over `document`: the problems of `value` against `components.schemas[name]`, `[]`
 * when it matches.
 * @example const problems = schemaProblems(doc); expect(problems("ShareList", page)).toEqual([]);
 */
export function schemaProblems(document: object): (name: string, value: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, "document");
  return (name, value) => {
    const validate = ajv.getSchema(`document#/components/schemas/${name}`);
    if (!validate) return [`the document has no schema ${name}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message}`);
  };
}
