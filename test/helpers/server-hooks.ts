import { stopTestServers } from './servers.js';

/** Mocha root hooks: whatever test servers were started are stopped once, at the very end. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopTestServers();
  },
};
