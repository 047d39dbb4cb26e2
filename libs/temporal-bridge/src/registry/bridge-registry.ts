import { BridgeNameTakenError } from '../errors';

/**
 * Named bridges in this process (the counterpart of registering a GenServer
 * under a name): `TemporalBridge.start({ name })` claims the name until stop().
 */
export class BridgeRegistry<T> {
  private readonly byName = new Map<string, T>();

  claim(name: string, bridge: T): void {
    if (this.byName.has(name)) throw new BridgeNameTakenError(name);
    this.byName.set(name, bridge);
  }

  release(name: string, bridge: T): void {
    if (this.byName.get(name) === bridge) this.byName.delete(name);
  }

  find(name: string): T | undefined {
    return this.byName.get(name);
  }
}
