/**
 * The address of one device of one account (docs/protocol.md §5.8).
 * Stores key their records by it; `toString()` is the conventional
 * `name.deviceId` form.
 */

/**
 * @example
 * const bob = ProtocolAddress.new('bob-account-id', 1);
 * await stores.sessions.getSession(bob);
 */
export class ProtocolAddress {
  constructor(
    readonly name: string,
    readonly deviceId: number,
  ) {
    if (typeof name !== 'string') throw new TypeError('ProtocolAddress: name must be a string');
    if (!Number.isInteger(deviceId) || deviceId < 0 || deviceId > 0xffffffff) {
      throw new RangeError('ProtocolAddress: deviceId must be a u32');
    }
  }

  /** Same as the constructor; mirrors libsignal's `ProtocolAddress.new`. */
  static new(name: string, deviceId: number): ProtocolAddress {
    return new ProtocolAddress(name, deviceId);
  }

  toString(): string {
    return `${this.name}.${this.deviceId}`;
  }

  equals(other: ProtocolAddress): boolean {
    return this.name === other.name && this.deviceId === other.deviceId;
  }
}
