import { useMemo, useState } from 'react';
import type { ChatClientOptions } from '@chatrt/client';
import { SocketProvider, useSockets } from '@chatrt/client/react';
import { AccountApi, AccountError } from './account.ts';
import { AuthScreen, type AuthMode } from './components/AuthScreen.tsx';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { ChatScreen } from './ChatScreen.tsx';
import type { PageConfig } from './config.ts';
import { connectionState } from './connection-state.ts';
import { UserNames } from './user-names.ts';

/**
 * The page: one chat client per signed-in session (a new one after each log-in, so it starts with the
 * new session's token), the log-in form while there is no session, the chat once the user is known.
 */
export function App(props: { config: PageConfig }) {
  const [session, setSession] = useState(0);
  const account = useMemo(() => new AccountApi(props.config.apiUrl), [props.config.apiUrl]);
  const names = useMemo(() => new UserNames(), []);
  const options = useMemo<ChatClientOptions>(() => ({ ...props.config }), [props.config]);
  return (
    <SocketProvider key={session} options={options}>
      <Shell
        account={account}
        names={names}
        onSessionChanged={() => {
          setSession((n) => n + 1);
        }}
      />
    </SocketProvider>
  );
}

function Shell(props: { account: AccountApi; names: UserNames; onSessionChanged: () => void }) {
  const { status, userId } = useSockets();

  const submit = async (mode: AuthMode, username: string, password: string): Promise<string | undefined> => {
    try {
      if (mode === 'register') await props.account.register(username, password);
      const user = await props.account.login(username, password);
      props.names.remember([user]);
      props.onSessionChanged();
      return undefined;
    } catch (err) {
      return err instanceof AccountError ? err.message : String(err);
    }
  };

  if (status === 'unauthenticated') return <AuthScreen onSubmit={submit} />;
  if (userId === undefined) {
    return (
      <main className="auth" aria-busy="true">
        <h1>Chat</h1>
        <ConnectionBadge state={connectionState(status)} />
      </main>
    );
  }
  const logOut = async (): Promise<void> => {
    await props.account.logout();
    props.onSessionChanged();
  };
  return <ChatScreen account={props.account} names={props.names} selfId={userId} onLogOut={logOut} />;
}
