// Starting and stopping the embedded stand-ins' HTTP servers, one way for all of them: listen on the
// loopback host given (port 0: a free one) and answer the address once listening, a failure to listen
// (EADDRINUSE) rejecting instead of being thrown later; close by refusing new connections and dropping
// the open ones (keep-alive sockets would otherwise hold the close for their timeout).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host`:`port` (0: a free port) and answers the address. */
export function listen(server: Server, host: string, port = 0): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops `server`: no new connection, the open ones dropped; resolves once it has closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
