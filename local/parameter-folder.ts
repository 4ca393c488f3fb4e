// adapts a folder on this machine to the CredentialVault port, standing in for Parameter Store (which has no
// emulator) in `npm start`'s local runs: one file per parameter, readable by its owner only. The CLI writes here
// when it works on the environment's alerter rather than a stack, and a local run reads here.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialVault } from '../functions/app/ports.js';

/** The variable naming the folder; without it, `.pleo-export-alerts/parameters` in the working directory. */
export const LOCAL_PARAMETERS_DIR = 'LOCAL_PARAMETERS_DIR';

export function localParametersDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env[LOCAL_PARAMETERS_DIR] || path.join('.pleo-export-alerts', 'parameters'));
}

export class FolderCredentialVault implements CredentialVault {
  constructor(private readonly dir: string) {}

  async put(name: string, value: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.file(name), value, { mode: 0o600 });
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.file(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  /** A parameter's name, slashes and all, as one file name. */
  private file(name: string): string {
    return path.join(this.dir, encodeURIComponent(name));
  }
}
