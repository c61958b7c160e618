import { useId, useState, type SubmitEvent } from 'react';
import { errorText } from '../error-text.ts';

/** Which form is shown. */
export type AuthMode = 'login' | 'register';

/** Log in or register; `onSubmit` resolves to an error text to show, or undefined on success. */
export function AuthScreen(props: {
  onSubmit: (mode: AuthMode, username: string, password: string) => Promise<string | undefined>;
}) {
  const [mode, setMode] = useState<AuthMode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { username: useId(), password: useId(), error: useId() };

  const authenticate = async () => {
    setBusy(true);
    setError(await props.onSubmit(mode, username.trim(), password).catch(errorText));
    setBusy(false);
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void authenticate();
  };

  const switchMode = () => {
    setMode(mode === 'login' ? 'register' : 'login');
    setError(undefined);
  };

  return (
    <main className="auth">
      <h1>Chat</h1>
      <form className="card auth-form" onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
        <h2>{mode === 'login' ? 'Log in' : 'Create an account'}</h2>
        <label htmlFor={ids.username}>Username</label>
        <input
          id={ids.username}
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
          }}
        />
        <label htmlFor={ids.password}>Password</label>
        <input
          id={ids.password}
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
        />
        {error && (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Register'}
        </button>
        <button type="button" className="link" onClick={switchMode}>
          {mode === 'login' ? 'No account? Register' : 'Have an account? Log in'}
        </button>
      </form>
    </main>
  );
}
