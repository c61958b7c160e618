import { runService } from '@chatrt/service-kit';
import { loadChatConfig, startChat } from './index.ts';

await runService('chat', loadChatConfig, startChat);
