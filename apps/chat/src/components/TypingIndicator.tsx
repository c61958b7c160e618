/** "alice is typing…" for the other members typing in the open room. */
export function TypingIndicator(props: { names: string[] }) {
  const text =
    props.names.length === 0
      ? ''
      : props.names.length === 1
        ? `${props.names[0]} is typing…`
        : `${props.names.join(', ')} are typing…`;
  return (
    <p className="typing" aria-live="polite">
      {text}
    </p>
  );
}
