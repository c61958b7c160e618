export { startStack } from './start-stack.ts';
export { prefixedLogSink, type LogSink } from './log-sink.ts';
export { socketIoEnabled } from './service-config.ts';
export {
  serviceNames,
  backendServiceNames,
  defaultOpsPorts,
  type ServiceName,
  type BackendServiceName,
} from './service-names.ts';
export type {
  ExtraGateway,
  Stack,
  StackOptions,
  StackPorts,
  StackPortChoice,
  StackUrls,
  ServiceExit,
} from './types.ts';
export { defaultRestartPolicy, type RestartPolicy, type Supervision } from './supervisor.ts';
