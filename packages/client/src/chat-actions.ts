import type { Message, ReadMarker, Room } from '@chatrt/contracts';
import { chatAck, unwrapAck } from './ack.ts';
import type { RestApi } from './rest-api.ts';
import type { ChatSocket } from './sockets.ts';

/**
 * The one-shot chat commands, over the socket when it is connected and over REST otherwise (the same
 * command path on the server). Failures throw ChatClientError. Edits and deletions are also handed to
 * `onChanged` so the room's list shows them before the live update arrives.
 */
export class ChatActions {
  readonly #api: RestApi;
  readonly #socket: () => ChatSocket | undefined;
  readonly #ackTimeoutMs: number;
  readonly #onChanged: (message: Message) => void;

  constructor(options: {
    api: RestApi;
    socket: () => ChatSocket | undefined;
    ackTimeoutMs: number;
    onChanged: (message: Message) => void;
  }) {
    this.#api = options.api;
    this.#socket = options.socket;
    this.#ackTimeoutMs = options.ackTimeoutMs;
    this.#onChanged = options.onChanged;
  }

  async createRoom(name: string, memberIds?: string[]): Promise<Room> {
    const body = memberIds === undefined ? { name } : { name, memberIds };
    const socket = this.#socket();
    if (!socket) return this.#api.createRoom(body);
    return (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'createRoom', body))).room;
  }

  async edit(messageId: string, text: string): Promise<Message> {
    const socket = this.#socket();
    const message = socket
      ? (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'editMessage', { messageId, message: text }))).message
      : await this.#api.editMessage(messageId, text);
    this.#onChanged(message);
    return message;
  }

  async delete(messageId: string): Promise<Message> {
    const socket = this.#socket();
    const message = socket
      ? (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'deleteMessage', { messageId }))).message
      : await this.#api.deleteMessage(messageId);
    this.#onChanged(message);
    return message;
  }

  async markRead(roomId: string, seq: number): Promise<ReadMarker> {
    const socket = this.#socket();
    if (!socket) return this.#api.markRead(roomId, seq);
    return (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'markRead', { roomId, seq }))).readMarker;
  }

  async addMember(roomId: string, userId: string): Promise<Room> {
    const socket = this.#socket();
    if (!socket) return this.#api.addMember(roomId, userId);
    return (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'addMember', { roomId, userId }))).room;
  }

  async removeMember(roomId: string, userId: string): Promise<Room> {
    const socket = this.#socket();
    if (!socket) return this.#api.removeMember(roomId, userId);
    return (await unwrapAck(chatAck(socket, this.#ackTimeoutMs, 'removeMember', { roomId, userId }))).room;
  }

  /** Typing indicators exist only on the socket; returns false when it is not connected. */
  typing(roomId: string, isTyping: boolean): boolean {
    const socket = this.#socket();
    if (!socket) return false;
    socket.emit('typing', { roomId, isTyping }, () => {});
    return true;
  }
}
