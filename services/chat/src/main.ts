import { runService } from '@chatrt/service-kit';
import { startChat } from './chat.ts';
import { loadChatConfig } from './config.ts';

await runService('chat', loadChatConfig, startChat);
