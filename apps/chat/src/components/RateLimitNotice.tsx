import { useRef } from 'react';
import type { RateLimitState } from '@chatrt/client';

/**
 * The countdown while the server's rate limit pauses sending; queued messages go out when it ends. Screen
 * readers hear the pause and its end once, not every tick.
 */
export function RateLimitNotice(props: { state: RateLimitState }) {
  const announced = useRef<{ until: number | undefined; text: string }>({ until: undefined, text: '' });
  const { blocked, secondsLeft, until } = props.state;
  if (blocked && until !== announced.current.until) {
    announced.current = {
      until,
      text: `Too many messages. Sending is paused for ${secondsLeft} seconds; your messages are queued.`,
    };
  } else if (!blocked && announced.current.until !== undefined) {
    announced.current = { until: undefined, text: 'Sending resumed.' };
  }
  return (
    <>
      <span className="visually-hidden" role="status">
        {announced.current.text}
      </span>
      {blocked && (
        <p className="notice rate-limit" data-testid="rate-limit">
          Too many messages: sending resumes in <strong data-testid="rate-limit-seconds">{secondsLeft}</strong> s. Your
          messages are queued.
        </p>
      )}
    </>
  );
}
