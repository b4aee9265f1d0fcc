/**
 * How a regional action words an error: a Cloud Run API error with its explanation (the role to
 * grant, actAs help), anything else (a refusal, a check) with its own message.
 */
import { describeApiError, errorCode, type ErrorContext } from '../cloudrun/errors';

/** An API error as an Error with its explanation; any other error as it is. */
export const described = (e: unknown, context: ErrorContext = {}): unknown =>
  errorCode(e) !== undefined ? new Error(describeApiError(e, context)) : e;

/** `work`, with an API error it throws worded with its explanation (`described`): a region's core as the fan-out runs it. */
export const describing =
  <A extends unknown[], T>(work: (...args: A) => Promise<T>) =>
  async (...args: A): Promise<T> => {
    try {
      return await work(...args);
    } catch (e) {
      throw described(e);
    }
  };

/** The error of a restore that could not be sent; the traffic is as the last successful update left it. */
export const restoreFailed = (service: string, e: unknown): Error =>
  new Error(`Could not restore the traffic of ${service}: ${describeApiError(e)}`);
