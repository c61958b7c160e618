import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react';
import { ChatClient } from '../chat-client.ts';
import type { ChatClientOptions } from '../client-types.ts';

const ClientContext = createContext<ChatClient | undefined>(undefined);

/** Either options (the provider creates, starts and stops its own client) or a client you own. */
export type SocketProviderProps = { children?: ReactNode } & (
  { options?: ChatClientOptions; client?: undefined } | { client: ChatClient; options?: undefined }
);

/**
 * Makes a ChatClient available to `useSockets()` and the other hooks. With `options` it creates the
 * client once, starts it on mount and stops it on unmount; a given `client` is started if it is not,
 * and left running on unmount (its owner stops it).
 */
export function SocketProvider(props: SocketProviderProps): ReactElement {
  const [client] = useState(() => props.client ?? new ChatClient(props.options));
  const owned = props.client === undefined;
  useEffect(() => {
    void client.start();
    return () => {
      if (owned) void client.stop();
    };
  }, [client, owned]);
  return createElement(ClientContext.Provider, { value: client }, props.children);
}

/** The client of the nearest SocketProvider; throws outside one. */
export function useChatClient(): ChatClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useChatClient/useSockets must be used inside <SocketProvider>');
  return client;
}
