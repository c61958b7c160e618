import { runService } from '@chatrt/service-kit';
import { loadNotifyConfig, startNotify } from './index.ts';

await runService('notify', loadNotifyConfig, startNotify);
