/**
 * @module lib/project-error
 * The one base of the Node-side errors (harness, CLIs, fixtures, mutants, bench, reliability, CI
 * steps): a `code` in SCREAMING_SNAKE_CASE a caller can branch on, and a message that says what
 * happened and what to do (the type refuses a lowercase code). HTTP answers keep their documented snake_case codes
 * (`{ "error": { "code": "invalid_input" } }`); those come from `src/errors.ts` and the control
 * API's `ControlError`, which render them into responses in one place each.
 * @example
 * export class BenchError extends ProjectError<"BAD_OPTION" | "SERVER_FAILED"> {}
 * throw new BenchError("BAD_OPTION", "--runs must be a whole number, got 0");
 */
export class ProjectError<Code extends Uppercase<string> = Uppercase<string>> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** SCREAMING_SNAKE_CASE: the one shape of a `ProjectError` code. */
export const PROJECT_ERROR_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
