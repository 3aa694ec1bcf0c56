import type { Clock } from './clock';
import type { PushSender } from './domain/push';
import type { Faults } from './faults';
import type { Identity } from './identity';
import type { KeyManager } from './keys';
import type { Notifier } from './notifier';
import type { Store } from './store';
import type { Timers } from './timers';

/** Everything the sandbox's services work with (services never see a Koa context). */
export interface Core {
  identity: Identity;
  store: Store;
  clock: Clock;
  faults: Faults;
  keys: KeyManager;
  notifier: Notifier;
  /** WeChat's message push to the shop (confirm-receipt, remind-shipping). */
  pusher: PushSender;
  timers: Timers;
  timeScale: number;
  log: (line: string) => void;
  /** The sandbox's base URL (known once it listens). */
  url: () => string;
}
