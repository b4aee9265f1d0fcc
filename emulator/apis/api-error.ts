/**
 * Errors the emulated APIs return. Handlers throw ApiError; `unary` turns it into the gRPC status the
 * real API would send, so a handler reads as plain validation code.
 */
import * as grpc from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new ApiError(grpc.status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(grpc.status.NOT_FOUND, message);

type UnaryHandler<Req, Res> = (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res;

/** A gRPC unary handler from an async function; ApiError keeps its code, anything else is INTERNAL. */
export function unary<Req, Res>(fn: UnaryHandler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const code = error instanceof ApiError ? error.code : grpc.status.INTERNAL;
          callback({ code, details: error instanceof Error ? error.message : String(error) });
        },
      );
  };
}
