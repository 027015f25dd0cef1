/**
 * The message of anything thrown: an Error's (or an error-shaped object's) message, a string as
 * it is, otherwise its name or its text.
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = error as { message?: unknown; name?: unknown } | null;
  if (typeof e?.message === 'string' && e.message !== '') return e.message;
  if (typeof e?.name === 'string' && e.name !== '') return e.name;
  return String(error);
}
