import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import type { SchemaProblem } from './errors';

/** Returns the problems of a value, or undefined when it matches. */
export type SchemaCheck = (value: unknown) => SchemaProblem[] | undefined;

const MAX_PROBLEMS = 20;

/** For a union, TypeBox only says "Expected union value": report the branch that came closest instead. */
function explain(error: ValueError): SchemaProblem[] {
  const here = [{ path: error.path || '/', message: error.message }];
  if (error.errors.length === 0) return here;
  const branches = error.errors.map((branch) => [...branch].flatMap(explain));
  const closest = branches.reduce((best, branch) => (branch.length < best.length ? branch : best));
  return closest.length > 0 ? closest : here;
}

/** Compiles once (call at startup); the returned function is what each request runs. */
export function compileSchemaCheck(schema: TSchema): SchemaCheck {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return undefined;
    const seen = new Map<string, SchemaProblem>();
    for (const error of compiled.Errors(value)) {
      for (const problem of explain(error)) seen.set(`${problem.path}\0${problem.message}`, problem);
      if (seen.size >= MAX_PROBLEMS) break;
    }
    return [...seen.values()].slice(0, MAX_PROBLEMS);
  };
}

/**
 * Validator compiler for scopes whose handlers check bodies themselves: the route schemas there only document
 * (OpenAPI) — a webhook body is bytes until its signature was verified.
 */
export const skipValidation = () => () => true;
