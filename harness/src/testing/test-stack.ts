import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { startStack, type Stack, type StackOptions, type Supervision } from '../stack/index.ts';
import { ChatUser } from '../client/chat-user.ts';
import type { ClientConfig } from '../client/client-config.ts';

/** A whole stack for one end-to-end test file, on its own Postgres, NATS and free ports. */
export interface TestStack {
  stack: Stack;
  /** Client config pointing at the stack's main gateway (changes after `restart`). */
  config(): ClientConfig;
  /** A registered, logged-in user. */
  signedUpUser(): Promise<ChatUser>;
  /** Stops and starts everything on the same data, as after a machine restart. */
  restart(): Promise<void>;
  /** Stops the stack, closes every user's sockets and deletes the data. */
  stop(): Promise<void>;
}

/**
 * Starts a stack with the launcher's own infrastructure (never a DATABASE_URL/NATS_URL that happens to be
 * in the environment) and `env` on top, for example a shorter token lifetime or a higher rate limit.
 * Nothing is restarted behind a test's back unless it asks for `supervision` (as `npm start` runs).
 */
export async function startTestStack(
  env: Record<string, string> = {},
  options: { supervision?: Supervision } & Pick<StackOptions, 'natsClusterSize' | 'replicas'> = {},
): Promise<TestStack> {
  const dataDir = await mkdtemp(`${tmpdir()}/chat-e2e-`);
  // Postgres runs as its own user when we are root; it must be able to reach its data dir.
  await chmod(dataDir, 0o755);
  const stackEnv = { ...process.env, DATABASE_URL: undefined, NATS_URL: undefined, ...env };
  const stackOptions = { dataDir, env: stackEnv, ...options };
  let stack = await startStack(stackOptions);
  const users: ChatUser[] = [];
  const config = (): ClientConfig => ({
    apiUrl: `${stack.urls.api}/api`,
    socketUrl: stack.urls.socket,
    socketPath: '/socket.io',
    socketEnabled: true,
  });
  return {
    get stack() {
      return stack;
    },
    config,
    async signedUpUser() {
      const user = new ChatUser(config());
      users.push(user);
      await user.signUp();
      return user;
    },
    async restart() {
      await stack.stop();
      stack = await startStack(stackOptions);
      for (const user of users) user.config = config();
    },
    async stop() {
      for (const user of users) user.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
