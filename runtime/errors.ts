/** A mistake in how a command or worker was called: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
