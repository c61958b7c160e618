import { useId, useRef, useState, type SubmitEvent, type KeyboardEvent } from 'react';

/** Idle time after which "typing" turns off by itself, in millis. */
const typingIdleMs = 3000;
/** While typing goes on, "typing" is said again this often, so other pages do not expire it (they do after 6 s). */
const typingRepeatMs = 3000;

/**
 * The message box: Enter sends, Shift+Enter adds a line. Reports typing on/off to `onTyping` on each
 * change (and again every few seconds while typing goes on), and off after a few idle seconds.
 */
export function Composer(props: { onSend: (text: string) => void; onTyping: (isTyping: boolean) => void }) {
  const [text, setText] = useState('');
  const typing = useRef(false);
  const lastTyping = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const ids = { input: useId(), hint: useId() };

  const setTyping = (on: boolean) => {
    clearTimeout(idleTimer.current);
    if (on)
      idleTimer.current = setTimeout(() => {
        setTyping(false);
      }, typingIdleMs);
    const now = Date.now();
    if (typing.current === on && !(on && now - lastTyping.current >= typingRepeatMs)) return;
    typing.current = on;
    lastTyping.current = now;
    props.onTyping(on);
  };

  const send = () => {
    const message = text.trim();
    if (!message) return;
    props.onSend(message);
    setText('');
    setTyping(false);
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={ids.input} className="visually-hidden">
        Message
      </label>
      <textarea
        id={ids.input}
        rows={2}
        value={text}
        placeholder="Write a message…"
        aria-describedby={ids.hint}
        onChange={(e) => {
          setText(e.target.value);
          setTyping(e.target.value !== '');
        }}
        onBlur={() => {
          setTyping(false);
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="primary" disabled={text.trim() === ''}>
        Send
      </button>
      <small id={ids.hint} className="muted hint">
        Enter to send, Shift+Enter for a new line.
      </small>
    </form>
  );
}
