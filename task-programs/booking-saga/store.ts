/**
 * Each service of the saga keeps its own data, as in the saga (no service reads another's): a small
 * store of tables, one record per key. `insert` creates a record only if its key is new (a
 * put-if-absent, as a DynamoDB conditional put), atomically even between two processes; that is
 * what keeps the services idempotent under EventBridge's at-least-once delivery and the state
 * machines' reruns.
 *
 * Where: the directory in SERVICE_STORE_DIR (`npm run local` gives each service its own in the
 * run's work directory; the layout is described at SERVICE_STORE_ENV). Deployed, a service would
 * keep its data in its own table; a task started without the variable keeps it in a temporary
 * directory of its own, removed when it exits, as a container's would be.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVICE_STORE_ENV, TASK_IDENTITY_ENV } from '../../core/container-contract';

export class ServiceStore {
  constructor(readonly directory: string) {}

  /** The store of the service this task belongs to. */
  static forThisTask(env: Readonly<Record<string, string | undefined>> = process.env): ServiceStore {
    const configured = env[SERVICE_STORE_ENV];
    if (configured) return new ServiceStore(configured);
    // Never a shared folder: another task, or a later run, would find this one's records.
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), `${env[TASK_IDENTITY_ENV.service] ?? 'service'}-store-`));
    process.once('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
    return new ServiceStore(directory);
  }

  /** Creates the record if `key` is new in `table`; false (and nothing written) if it exists. */
  insert(table: string, key: string, record: object): boolean {
    const file = this.file(table, key);
    const staged = this.stage(table, record);
    try {
      // A hard link is created whole or not at all, and fails if the name exists: put-if-absent.
      fs.linkSync(staged, file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      fs.rmSync(staged, { force: true });
    }
  }

  /** Replaces (or creates) the record. */
  put(table: string, key: string, record: object): void {
    fs.renameSync(this.stage(table, record), this.file(table, key));
  }

  get<T>(table: string, key: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(table, key), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private file(table: string, key: string): string {
    return path.join(this.directory, table, `${encodeURIComponent(key)}.json`);
  }

  /** The record written whole to a temporary file in the table's folder (same file system as its final name). */
  private stage(table: string, record: object): string {
    const folder = path.join(this.directory, table);
    fs.mkdirSync(folder, { recursive: true });
    const staged = path.join(folder, `.staged-${process.pid}-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(staged, `${JSON.stringify(record, null, 2)}\n`);
    return staged;
  }
}
