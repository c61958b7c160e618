import { runService } from '@chatrt/service-kit';
import { loadNotifyConfig } from './config.ts';
import { startNotify } from './notify.ts';

await runService('notify', loadNotifyConfig, startNotify);
