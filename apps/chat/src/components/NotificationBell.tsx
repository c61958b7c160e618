import { useEffect, useId, useRef, useState } from 'react';
import type { Notification } from '@chatrt/contracts';

/**
 * The bell: unread count on a button that opens the list. Opening an item goes to its room and marks it
 * read; "Mark all read" clears the count. Escape closes the list and gives focus back to the bell.
 */
export function NotificationBell(props: {
  notifications: Notification[];
  unreadCount: number;
  roomName: (roomId: string) => string;
  personName: (userId: string) => string;
  onOpenItem: (notification: Notification) => void;
  onMarkRead: (ids: string[]) => void;
  onMarkAllRead: () => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const bell = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  const close = () => {
    setOpen(false);
    bell.current?.focus();
  };

  // A click elsewhere closes the list; Escape closes it wherever the focus is (on the bell, in the list or past it).
  useEffect(() => {
    if (!open) return;
    const onDocumentClick = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !bell.current?.contains(target)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      bell.current?.focus();
    };
    document.addEventListener('click', onDocumentClick);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('click', onDocumentClick);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  const label = props.unreadCount === 0 ? 'Notifications' : `Notifications, ${props.unreadCount} unread`;
  return (
    <div className="bell-wrap">
      <button
        ref={bell}
        type="button"
        className="bell"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpen(!open);
        }}
      >
        <span aria-hidden="true">🔔</span>
        {props.unreadCount > 0 && (
          <span className="count" aria-hidden="true" data-testid="bell-count">
            {props.unreadCount}
          </span>
        )}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {props.unreadCount > 0 ? `${props.unreadCount} unread notifications` : ''}
      </span>
      {open && (
        <div ref={panel} id={panelId} className="card bell-panel" role="region" aria-label="Notifications">
          <div className="bell-head">
            <h2>Notifications</h2>
            <button type="button" className="link" onClick={props.onMarkAllRead} disabled={props.unreadCount === 0}>
              Mark all read
            </button>
          </div>
          {props.notifications.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <ul className="bell-list">
              {props.notifications.map((n) => (
                <li key={n.id} className={n.read ? 'read' : 'unread'}>
                  <button
                    type="button"
                    className="bell-item"
                    onClick={() => {
                      props.onOpenItem(n);
                      close();
                    }}
                  >
                    {describe(n, props.roomName(n.roomId), props.personName)}
                  </button>
                  {!n.read && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        props.onMarkRead([n.id]);
                      }}
                      aria-label={`Mark read: ${describe(n, props.roomName(n.roomId), props.personName)}`}
                    >
                      Mark read
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function describe(n: Notification, room: string, personName: (userId: string) => string): string {
  switch (n.type) {
    case 'mention':
      return `You were mentioned in ${room}`;
    case 'addedToRoom':
      return `${n.actorId ? personName(n.actorId) : 'Someone'} added you to ${room}`;
    case 'message': {
      const count = n.count ?? 1;
      return `${count} new ${count === 1 ? 'message' : 'messages'} in ${room}`;
    }
  }
}
