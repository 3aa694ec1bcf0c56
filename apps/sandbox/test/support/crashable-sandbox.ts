// A sandbox in a child process, for the crash test: `node --import tsx crashable-sandbox.ts <dataDir>`.
// Its snapshot waits a minute, so whatever it does before the test kills it with SIGKILL is only in the
// journal; it prints its URL once listening.
import { startSandbox } from '../../src/index';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crashable-sandbox.ts <dataDir>');
const sandbox = await startSandbox({ dataDir, quiet: true, timeScale: 0.01, snapshotIntervalMs: 60_000 });
process.stdout.write(`${sandbox.url}\n`);
