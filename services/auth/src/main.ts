import { runService } from '@chatrt/service-kit';
import { startAuth } from './auth.ts';
import { loadAuthConfig } from './config.ts';

await runService('auth', loadAuthConfig, startAuth);
