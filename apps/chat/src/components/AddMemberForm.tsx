import { useId, useState, type SubmitEvent } from 'react';
import { errorText } from '../error-text.ts';

/** Adds one member to the open room by username; `onAdd` resolves to an error text or undefined. */
export function AddMemberForm(props: { onAdd: (username: string) => Promise<string | undefined> }) {
  const [username, setUsername] = useState('');
  const [result, setResult] = useState<{ error: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const add = async (name: string) => {
    setBusy(true);
    const failed = await props.onAdd(name).catch(errorText);
    setBusy(false);
    setResult(failed ? { error: true, text: failed } : { error: false, text: `${name} added.` });
    if (!failed) setUsername('');
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void add(username.trim());
  };

  return (
    <form className="inline-form" onSubmit={submit} aria-label="Add a member">
      <label htmlFor={id}>Add member</label>
      <input
        id={id}
        required
        value={username}
        onChange={(e) => {
          setUsername(e.target.value);
        }}
        placeholder="username"
      />
      <button type="submit" disabled={busy}>
        Add
      </button>
      {result && (
        <span className={result.error ? 'error' : 'muted'} role={result.error ? 'alert' : 'status'}>
          {result.text}
        </span>
      )}
    </form>
  );
}
