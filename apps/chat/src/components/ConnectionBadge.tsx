/** How the page reaches the server: live socket, REST only, or nothing. */
export type ConnectionState = 'connecting' | 'connected' | 'fallback' | 'offline';

const labels: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  fallback: 'Fallback (HTTP)',
  offline: 'Offline',
};

const explanations: Record<ConnectionState, string> = {
  connecting: 'Opening the live connection.',
  connected: 'Live connection: messages arrive instantly.',
  fallback: 'Live connection unavailable: sending and receiving over HTTP.',
  offline: 'No connection: messages wait and are sent when it is back.',
};

/** The connection state, announced politely when it changes. */
export function ConnectionBadge(props: { state: ConnectionState }) {
  return (
    <span
      className={`badge badge-${props.state}`}
      role="status"
      aria-live="polite"
      title={explanations[props.state]}
      data-state={props.state}
    >
      <span className="dot" aria-hidden="true" />
      {labels[props.state]}
    </span>
  );
}
