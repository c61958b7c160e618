import { useId, useState, type SubmitEvent } from 'react';
import { errorText } from '../error-text.ts';

/** Creates a room with members given by username; `onCreate` resolves to an error text or undefined. */
export function CreateRoomForm(props: {
  onCreate: (name: string, usernames: string[]) => Promise<string | undefined>;
}) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), members: useId(), hint: useId() };

  const create = async () => {
    setBusy(true);
    const usernames = members.split(/[\s,]+/).filter(Boolean);
    const failed = await props.onCreate(name.trim(), usernames).catch(errorText);
    setBusy(false);
    setError(failed);
    if (!failed) {
      setName('');
      setMembers('');
    }
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void create();
  };

  return (
    <form className="stack-form" onSubmit={submit} aria-label="Create a room">
      <h2>New room</h2>
      <label htmlFor={ids.name}>Room name</label>
      <input
        id={ids.name}
        required
        maxLength={200}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
        }}
      />
      <label htmlFor={ids.members}>Members</label>
      <input
        id={ids.members}
        aria-describedby={ids.hint}
        value={members}
        onChange={(e) => {
          setMembers(e.target.value);
        }}
        placeholder="alice, bob"
      />
      <small id={ids.hint} className="muted">
        Usernames, separated by commas.
      </small>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Create room
      </button>
    </form>
  );
}
