/**
 * The breaking-change gate against real edits of the real specs: each case copies asyncapi.yaml and
 * openapi.yaml, edits the copy, and checks the verdict of both halves (oasdiff for OpenAPI, the schema
 * comparison for AsyncAPI). oasdiff is built by scripts/oasdiff.sh when absent, hence the long first hook.
 */
import { describe, expect, it } from 'vitest';
import { isBlocking } from '../scripts/breaking-changes.ts';
import { listAt, objectAt, restSchema, schema, specEditCases } from './support/spec-edits.ts';

const verdictsAfter = specEditCases();

describe('breaking changes fail the gate, each named by its path', () => {
  it('a removed response field (Message.editedAt, shared by REST and sockets)', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      delete objectAt(schema(specs, 'Message'), 'properties').editedAt;
    });
    expect(isBlocking(openapi) && isBlocking(asyncapi)).toBe(true);
    expect(openapi.changes).toContainEqual(
      expect.stringMatching(/^POST \/api\/chat\/messages: removed the optional property 'editedAt'/),
    );
    expect(asyncapi.changes).toContain('operations.deliverMessage.messages.message.payload/editedAt: field removed');
  });

  it('a new required request field, on a socket event and on a REST body', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      for (const request of [schema(specs, 'SendMessageRequest'), restSchema(specs, 'PostMessageRequest')]) {
        objectAt(request, 'properties').priority = { type: 'integer' };
        listAt(request, 'required').push('priority');
      }
    });
    expect(asyncapi.changes).toContain(
      'operations.sendMessage.messages.sendMessage.payload/priority: new required field',
    );
    expect(openapi.changes).toContainEqual(
      expect.stringMatching(/^POST \/api\/chat\/messages: added the new required request property 'priority'/),
    );
  });

  it('a type change (Seq: integer to string)', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      const seq = schema(specs, 'Seq');
      seq.type = 'string';
      delete seq.minimum;
      delete seq.maximum;
    });
    expect(asyncapi.changes).toContain(
      'operations.joinRoom.messages.joinRoom.payload/afterSeq: type changed from "integer" to "string"',
    );
    expect(asyncapi.changes).toContain(
      'operations.deliverMessage.messages.message.payload/seq: type changed from "integer" to "string"',
    );
    expect(openapi.changes).toContainEqual(
      expect.stringMatching(
        /^POST \/api\/chat\/messages: the 'seq' response's property 'type' changed from 'integer' to 'string'/,
      ),
    );
  });

  it('a narrowed enum (ErrorCode loses UNKNOWN_EVENT)', async () => {
    const { asyncapi } = await verdictsAfter((specs) => {
      const errorCode = schema(specs, 'ErrorCode');
      errorCode.enum = listAt(errorCode, 'enum').filter((code) => code !== 'UNKNOWN_EVENT');
    });
    expect(asyncapi.changes).toContainEqual(
      expect.stringMatching(
        /^operations\.sendMessage\.reply\.messageAck\.payload.*\/error\/code: enum narrowed: "UNKNOWN_EVENT" removed$/,
      ),
    );
  });

  it('a removed route and a removed REST response field', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      delete objectAt(specs.openapi, 'paths')['/api/chat/rooms/{roomId}/read'];
      const markedRead = restSchema(specs, 'MarkedRead');
      delete objectAt(markedRead, 'properties').updated;
      markedRead.required = [];
    });
    expect(isBlocking(openapi)).toBe(true);
    expect(openapi.changes).toContainEqual(
      expect.stringMatching(/^POST \/api\/chat\/rooms\/\{roomId\}\/read: API path removed/),
    );
    expect(openapi.changes).toContainEqual(
      expect.stringMatching(/^POST \/api\/notifications\/read: removed the required property 'updated'/),
    );
    expect(asyncapi.changes).toEqual([]);
  });

  it('a removed event, a renamed subject and a changed ack shape', async () => {
    const { asyncapi } = await verdictsAfter((specs) => {
      delete objectAt(specs.asyncapi, 'operations').deliverTyping;
      objectAt(specs.asyncapi, 'channels', 'chatSendMessage').address = 'chat.cmd.postMessage';
      const subscribedOk = schema(specs, 'SubscribedOk');
      delete objectAt(subscribedOk, 'properties').cursor;
      subscribedOk.required = ['ok'];
    });
    expect(isBlocking(asyncapi)).toBe(true);
    expect(asyncapi.changes).toContain('operations.deliverTyping: operation removed');
    expect(asyncapi.changes).toContain(
      'channels.chatSendMessage: address changed from "chat.cmd.sendMessage" to "chat.cmd.postMessage"',
    );
    expect(asyncapi.changes).toContain(
      'operations.subscribeNotifications.reply.subscribeAck.payload/oneOf(SubscribedOk)/cursor: field removed',
    );
  });

  it('a removed message and a removed reply', async () => {
    const { asyncapi } = await verdictsAfter((specs) => {
      objectAt(specs.asyncapi, 'operations', 'ping').messages = [];
      delete objectAt(specs.asyncapi, 'operations', 'subscribeNotifications').reply;
    });
    expect(asyncapi.changes).toContain('operations.ping.messages.ping: message removed');
    expect(asyncapi.changes).toContain('operations.subscribeNotifications.reply: reply removed');
  });

  it("is allowed once info.version's major is bumped", async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      delete objectAt(schema(specs, 'Message'), 'properties').editedAt;
      objectAt(specs.asyncapi, 'info').version = '1.0.0';
      objectAt(specs.openapi, 'info').version = '1.0.0';
    });
    expect(asyncapi.changes.length).toBeGreaterThan(0);
    expect(openapi.changes.length).toBeGreaterThan(0);
    expect(isBlocking(asyncapi) || isBlocking(openapi)).toBe(false);
  });
});

describe('safe changes pass', () => {
  it('the specs unchanged', async () => {
    const { openapi, asyncapi } = await verdictsAfter(() => {});
    expect([openapi.changes, asyncapi.changes]).toEqual([[], []]);
  });

  it('an added optional field, in a request and in a response', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      objectAt(schema(specs, 'SendMessageRequest'), 'properties').replyTo = { $ref: '#/components/schemas/Id' };
      objectAt(schema(specs, 'Message'), 'properties').replyTo = { $ref: '#/components/schemas/Id' };
      objectAt(restSchema(specs, 'PostMessageRequest'), 'properties').replyTo = {
        $ref: './asyncapi.yaml#/components/schemas/Id',
      };
    });
    expect([openapi.changes, asyncapi.changes]).toEqual([[], []]);
  });

  it('a new event, a new subject and a new route', async () => {
    const { openapi, asyncapi } = await verdictsAfter((specs) => {
      const doc = specs.asyncapi;
      objectAt(doc, 'components', 'schemas').RoomRenamed = {
        type: 'object',
        required: ['roomId', 'name'],
        properties: { roomId: { $ref: '#/components/schemas/Id' }, name: { type: 'string' } },
      };
      objectAt(doc, 'components', 'messages').roomRenamed = {
        name: 'roomRenamed',
        payload: { $ref: '#/components/schemas/RoomRenamed' },
      };
      objectAt(doc, 'channels', 'chat', 'messages').roomRenamed = { $ref: '#/components/messages/roomRenamed' };
      objectAt(doc, 'operations').deliverRoomRenamed = {
        action: 'send',
        channel: { $ref: '#/channels/chat' },
        messages: [{ $ref: '#/channels/chat/messages/roomRenamed' }],
      };
      objectAt(doc, 'channels').chatRoomRenamed = {
        address: 'chat.evt.renamed',
        servers: [{ $ref: '#/servers/nats' }],
        messages: { renamed: { $ref: '#/components/messages/roomRenamed' } },
      };
      objectAt(specs.openapi, 'paths')['/api/chat/rooms/{roomId}/name'] = {
        get: {
          operationId: 'getRoomName',
          parameters: [{ name: 'roomId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The name', content: { 'application/json': { schema: { type: 'string' } } } },
          },
        },
      };
    });
    expect([openapi.changes, asyncapi.changes]).toEqual([[], []]);
  });

  it('a widened enum and a request that accepts more', async () => {
    const { asyncapi } = await verdictsAfter((specs) => {
      listAt(schema(specs, 'ErrorCode'), 'enum').push('GONE');
      schema(specs, 'SendMessageRequest').required = ['roomId', 'message'];
    });
    expect(asyncapi.changes).toEqual([]);
  });
});
