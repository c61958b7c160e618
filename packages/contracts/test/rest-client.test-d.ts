/**
 * Pins the REST client typed from openapi.yaml: routes, parameters and bodies the spec lacks do not compile,
 * and answers carry the spec's schemas.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRestClient,
  type Message,
  type MessagePage,
  type RoomSummary,
  type SessionToken,
  type components,
} from '../src/index.ts';

const api = createRestClient({ baseUrl: 'http://127.0.0.1:1' });

describe('the typed REST client', () => {
  it('types answers from the spec', () => {
    const token = () => api.GET('/api/auth/session-token');
    expectTypeOf(token).returns.resolves.toHaveProperty('data').toEqualTypeOf<SessionToken | undefined>();
    const sent = () => api.POST('/api/chat/messages', { body: { roomId: 'r', message: 'hi' } });
    expectTypeOf(sent).returns.resolves.toHaveProperty('data').toEqualTypeOf<Message | undefined>();
    const history = () => api.GET('/api/chat/messages', { params: { query: { roomId: 'r', after: 3, limit: 10 } } });
    expectTypeOf(history).returns.resolves.toHaveProperty('data').toEqualTypeOf<MessagePage | undefined>();
    const rooms = () => api.GET('/api/chat/rooms');
    expectTypeOf(rooms)
      .returns.resolves.toHaveProperty('data')
      .exclude<undefined>()
      .toHaveProperty('rooms')
      .toEqualTypeOf<RoomSummary[]>();
    const refused = () => api.POST('/api/chat/messages', { body: { roomId: 'r', message: 'hi' } });
    expectTypeOf(refused)
      .returns.resolves.toHaveProperty('error')
      .exclude<undefined>()
      .toExtend<components['schemas']['ErrorResponse']>();
  });

  it('refuses routes, methods, parameters and bodies the spec lacks', () => {
    // @ts-expect-error: no such route
    void api.GET('/api/chat/message');
    // @ts-expect-error: the route has no PUT
    void api.PUT('/api/chat/messages', { body: {} });
    // @ts-expect-error: message is required
    void api.POST('/api/chat/messages', { body: { roomId: 'r' } });
    // @ts-expect-error: limit is a number
    void api.GET('/api/chat/messages', { params: { query: { roomId: 'r', limit: 'ten' } } });
    // @ts-expect-error: the path parameter roomId is required
    void api.POST('/api/chat/rooms/{roomId}/read', { body: { seq: 1 } });
    // @ts-expect-error: no field `text` in the body
    void api.PATCH('/api/chat/messages/{messageId}', { params: { path: { messageId: 'm' } }, body: { text: 'x' } });
  });
});
