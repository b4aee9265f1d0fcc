/**
 * How a regional action words an error: a Cloud Run API error with its explanation (the role to
 * grant, actAs help), anything else (a refusal, a check) with its own message.
 */
import { describeApiError, errorCode, type ErrorContext } from '../cloudrun/errors';

/** An API error as an Error with its explanation; any other error as it is. */
export const described = (e: unknown, context: ErrorContext = {}): unknown =>
  errorCode(e) !== undefined ? new Error(describeApiError(e, context)) : e;

/** The error of a restore that could not be sent; the traffic is as the last successful update left it. */
export const restoreFailed = (service: string, e: unknown): Error =>
  new Error(`Could not restore the traffic of ${service}: ${describeApiError(e)}`);
