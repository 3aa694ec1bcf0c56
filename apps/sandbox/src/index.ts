// @xiaodian/sandbox: the offline WeChat (login, tokens, shipping, WeChat Pay v3, notifications, cashier).
export { startSandbox, type Sandbox, type SandboxIdentity, type SandboxOptions } from './sandbox';
export {
  createControlClient,
  SandboxControlError,
  type FaultInput,
  type InsertTradeInput,
  type NotificationFilter,
  type PayOutcomeInput,
  type SandboxControl,
} from './client';
export type { NotificationView } from './routes/control';
export type { RefundView, TransactionView } from './domain/views';
export { ENDPOINTS, FAULT_KINDS, type Endpoint, type FaultKind, type FaultRecord, type FaultSpec } from './faults';
export { KEY_MODES, type KeyMode, type KeyStatus } from './keys';
export { RETRY_SCHEDULE_SECONDS } from './notifier';
export { openidFor } from './ids';
export { SUBSCRIBE_TEMPLATES, type SubscribeMessageRecord, type SubscribeTemplate } from './domain/subscribe';
export type { DeliveryAttempt, RefundStatus, Settings, TradeState } from './store';
export { DEFAULT_PUSH_URL, findRepoRoot, readSandboxConfig, type SandboxConfig } from './config';
export { PUSH_RETRY_SECONDS, type PushAttempt, type PushRecord } from './domain/push';
