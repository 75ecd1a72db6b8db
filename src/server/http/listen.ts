/**
 * Binding a server to its port, and what to tell the person starting it when that fails: one line
 * naming the port (or host), the variable that sets it and what to do, with a stable code. Used by
 * the service and by the examples, whose ports come from their own variables.
 */
import type { Server } from 'node:net';

export type ListenFailureCode = 'PORT_IN_USE' | 'PORT_NOT_PERMITTED' | 'HOST_NOT_AVAILABLE';

export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly code: ListenFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isListenError = (value: unknown): value is ListenError => value instanceof ListenError;

/** Where a server was asked to listen, and how the person starting it sets that. */
export interface ListenTarget {
  readonly port: number;
  /** Unset: every interface. */
  readonly host?: string | undefined;
  readonly portVariable: string;
  /** None when the host cannot be set. */
  readonly hostVariable?: string;
}

/** Listens on `target`; rejects with a `ListenError` for a failure the person starting it can fix, with the error as it is otherwise. */
export function listen(server: Server, target: ListenTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: unknown): void => reject(listenFailure(error, target) ?? error);
    server.once('error', failed);
    server.listen(target.port, target.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** A `listen` error (EADDRINUSE, EACCES, EADDRNOTAVAIL, an unknown host name) as a `ListenError`, or undefined for any other. */
export function listenFailure(error: unknown, { port, host, portVariable, hostVariable }: ListenTarget): ListenError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const where = host === undefined ? `port ${port}` : `${host} port ${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(
        'PORT_IN_USE',
        `cannot listen on ${where}: another process is using it. Set ${portVariable} to a free port, or find the process holding it: ss -ltnp 'sport = :${port}' or lsof -i :${port}`,
        { cause: error },
      );
    case 'EACCES':
      return new ListenError('PORT_NOT_PERMITTED', `cannot listen on ${where}: not permitted for this user (ports below 1024 need privileges). Set ${portVariable} to 1024 or above`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(
        'HOST_NOT_AVAILABLE',
        `cannot listen on ${where}: ${host ?? 'that address'} is not an address of this machine.${hostVariable ? ` Set ${hostVariable} to one of its addresses, or unset it to listen on every interface` : ''}`,
        { cause: error },
      );
    default:
      return undefined;
  }
}
