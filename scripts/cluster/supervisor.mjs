import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long a child may take to stop after SIGTERM before it is killed. Above DRAIN_TIMEOUT_MS (30 s). */
const STOP_DEADLINE_MS = 35_000;

/**
 * The cluster's child processes: starts them with their output prefixed by name, notices
 * one that dies on its own, and stops them all in reverse start order.
 *
 * Children run in their own process group (`detached`), so a Ctrl-C in the terminal reaches
 * only this script, which then stops them in order: nginx first (clients leave), the nodes
 * next (they drain and release their slots in Redis), Redis last.
 */
export class Supervisor {
  /** @type {Array<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<string> }>} */
  #children = [];
  #stopping = false;
  #failed;
  #fail = () => {};

  constructor() {
    /** Rejects when a child exits while the cluster is not stopping, with a message saying which. */
    this.#failed = new Promise((_resolve, reject) => (this.#fail = reject));
    this.#failed.catch(() => {});
  }

  /** Rejects once any child dies unexpectedly; race startup waits against it. */
  get failed() {
    return this.#failed;
  }

  /** True once {@link stopAll} began. */
  get stopping() {
    return this.#stopping;
  }

  /** Pid of every child started, by name. */
  pids() {
    return Object.fromEntries(this.#children.map(({ name, child }) => [name, child.pid]));
  }

  /**
   * Starts `command` as child `name`; its stdout and stderr lines go to ours, prefixed.
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} [options]
   */
  start(name, command, args, options = {}) {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: stream }).on('line', (line) => out.write(`[${name}] ${line}\n`));
    }
    const exited = new Promise((resolve) => {
      child.once('error', (error) => resolve(`could not start: ${error.message}`));
      child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
    });
    exited.then((how) => {
      if (!this.#stopping) this.#fail(new Error(`${name} (pid ${child.pid ?? '-'}) ${how}`));
    });
    this.#children.push({ name, child, exited });
    return child;
  }

  /** Stops every child still running, last started first: SIGTERM, then SIGKILL after the deadline. */
  async stopAll() {
    this.#stopping = true;
    for (const { name, child, exited } of [...this.#children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
      child.kill('SIGTERM');
      let timer;
      const deadline = new Promise((resolve) => (timer = setTimeout(resolve, STOP_DEADLINE_MS, 'deadline')));
      const how = await Promise.race([exited, deadline]);
      clearTimeout(timer);
      if (how === 'deadline') {
        process.stderr.write(`cluster: ${name} did not stop within ${STOP_DEADLINE_MS} ms; killing it\n`);
        child.kill('SIGKILL');
        await exited;
      }
    }
  }

  /** Last resort when this script exits abruptly: SIGKILL whatever still runs (synchronous). */
  killAllNow() {
    this.#stopping = true;
    for (const { child } of this.#children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGKILL');
    }
  }
}
