/** A least-recently-used map bounded by the total byte size of its values. */
export class ByteLru {
  private readonly map = new Map<string, Buffer>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key); // Map iteration order is insertion order: re-insert = most recent
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) {
      this.total -= old.length;
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.total += value.length;
    while (this.total > this.maxBytes) {
      const [oldest, buffer] = this.map.entries().next().value!;
      this.map.delete(oldest);
      this.total -= buffer.length;
    }
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.map.size;
  }
}
