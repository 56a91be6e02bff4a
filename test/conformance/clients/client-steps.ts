/** The step recorder the storage client scripts share: each step's result, or its error code and status. */

/** The Table SDK leaves RestError.code unset for an `odata.error` body and puts the body in the message. */
export const codeOf = (e: unknown): string | undefined => {
  const { code, message } = e as { code?: string; message?: string };
  if (code) return code;
  try {
    return (JSON.parse(message ?? '') as { 'odata.error'?: { code?: string } })['odata.error']?.code ?? message;
  } catch {
    return message;
  }
};

export type Step = (name: string, f: () => Promise<unknown>) => Promise<void>;

/** A `step` that records into `out`: the value (or 'ok'), or `{error, status}`. */
export function stepper(out: Record<string, unknown>): Step {
  return async (name, f) => {
    try {
      out[name] = (await f()) ?? 'ok';
    } catch (e) {
      out[name] = { error: codeOf(e), status: (e as { statusCode?: number }).statusCode };
    }
  };
}
