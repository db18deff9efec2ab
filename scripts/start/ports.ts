import net from "node:net";

/** Resolves true when nothing listens on `host:port`. */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Resolves true when something accepts connections on `host:port`. */
export function isListening(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Returns a clear message for each port already taken, naming the variable that sets it. */
export async function takenPorts(ports: Record<string, number>): Promise<string[]> {
  const problems: string[] = [];
  for (const [variable, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) {
      problems.push(`port ${port} is already in use; set ${variable} to a free port (e.g. ${variable}=${port + 100})`);
    }
  }
  return problems;
}
