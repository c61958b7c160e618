import { useEffect, useLayoutEffect, useRef } from 'react';
import type { MessageState, RoomMessage } from '@chatrt/client';
import { errorText } from '../error-text.ts';

const statusIcon: Record<MessageState, string> = { sending: '⏳', sent: '✅', failed: '❌' };
const statusText: Record<MessageState, string> = { sending: 'Sending', sent: 'Delivered', failed: 'Not sent' };

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The open room's history: a log region (new messages are announced), older pages loaded from the top,
 * and the view kept at the bottom while the reader is there, or kept still while older pages arrive.
 */
export function MessageList(props: {
  messages: readonly RoomMessage[];
  selfId: string;
  nameOf: (userId: string) => string;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientMessageId: string) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{ first: string | undefined; height: number }>({ first: undefined, height: 0 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = props.messages[0]?.key;
    if (previous.current.first !== undefined && first !== previous.current.first && !atBottom.current) {
      // Older messages were prepended: keep what the reader was looking at in place.
      el.scrollTop += el.scrollHeight - previous.current.height;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { first, height: el.scrollHeight };
  }, [props.messages]);

  const loadIfAtTop = () => {
    const el = scroller.current;
    if (el && el.scrollTop < 40 && props.hasOlder && !props.loadingOlder) props.onLoadOlder();
  };

  // Also when older history turns out to exist while the reader is already at the top (or the page is
  // not full yet): no scroll event would come.
  useEffect(loadIfAtTop, [props.hasOlder, props.messages]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    loadIfAtTop();
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      {props.hasOlder && (
        <button type="button" className="link older" onClick={props.onLoadOlder} disabled={props.loadingOlder}>
          {props.loadingOlder ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      {/* The live region wraps the list: a role on the <ol> itself would take its items out of the list. */}
      <div role="log" aria-live="polite" aria-label="Messages">
        <ol className="message-log">
          {props.messages.map((m) => {
            // A pending message has no sender yet: it is always mine.
            const sender = m.senderId;
            const own = sender === undefined || sender === props.selfId;
            return (
              <li
                key={m.key}
                className={own ? 'message own' : 'message'}
                data-state={own ? m.state : undefined}
                data-client-id={m.clientMessageId}
              >
                <div className="meta">
                  <span className="sender">{own ? 'You' : props.nameOf(sender)}</span>
                  <time dateTime={m.createdAt}>{time.format(new Date(m.createdAt))}</time>
                  {m.editedAt !== undefined && !m.deleted && <span className="muted">(edited)</span>}
                </div>
                <p className={m.deleted ? 'text deleted' : 'text'}>{m.deleted ? 'Message deleted' : m.text}</p>
                {own && (
                  <div className="status">
                    <span
                      role="img"
                      aria-label={statusText[m.state]}
                      title={m.error?.message ?? statusText[m.state]}
                      className="status-icon"
                      data-testid="message-state"
                    >
                      {statusIcon[m.state]}
                    </span>
                    {m.state === 'failed' && (
                      <>
                        {m.error && (
                          <span className="error" title={m.error.message}>
                            {errorText(m.error)}
                          </span>
                        )}
                        <button
                          type="button"
                          className="retry"
                          onClick={() => {
                            props.onRetry(m.clientMessageId);
                          }}
                        >
                          Retry
                        </button>
                      </>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      </div>
      {props.messages.length === 0 && <p className="muted empty">No messages yet. Say hello!</p>}
    </div>
  );
}
