// The command's log: one line per WeChat call, notification attempt, payment… Written straight to stdout,
// each line would cost a console call and a synchronous write (stdout is a pipe or a file under `pnpm dev` and
// the bench, and Node writes those synchronously) on every request. So lines are gathered and written together
// at most every `intervalMs`, and at once by flush(): at close, before an error report, and when the process exits.

export interface LineLog {
  log(line: string): void;
  /** Writes the gathered lines now. */
  flush(): void;
  /** Flushes and stops listening for the process's exit. */
  close(): void;
}

export function bufferedLineLog(write: (text: string) => void, prefix: string, intervalMs = 100): LineLog {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  // On exit too (process.exit after an error, a signal handler): the last lines say what happened.
  process.on('exit', flush);
  return {
    log(line) {
      pending += `${prefix}${line}\n`;
      // unref: a log line waiting to be written must not keep a stopped sandbox alive.
      timer ??= setTimeout(flush, intervalMs).unref();
    },
    flush,
    close() {
      flush();
      process.off('exit', flush);
    },
  };
}
