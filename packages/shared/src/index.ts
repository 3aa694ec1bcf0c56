export * from './money';
export * from './beijing-days';
export * from './order-status';
export * from './after-sale';
export * from './wechat-states';
export * from './errors';
export * from './schemas';
export * from './text';
