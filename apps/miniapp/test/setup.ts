import { beforeEach } from 'vitest';
import { installFakeUni } from './fake-uni';

// A fresh WeChat for every test: empty storage, no recorded calls.
beforeEach(() => {
  installFakeUni();
});
