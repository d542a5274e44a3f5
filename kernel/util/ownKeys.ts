// Objects keyed by input (modinfo keys, MI result names, BTF member names): set and test OWN properties
// only, so a key such as __proto__, toString or valueOf is data like any other and never a built-in.

export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** o[key] = value as an own, enumerable data property (`__proto__` included). */
export function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** o[key] when it is o's own property; undefined otherwise (never an inherited built-in). */
export function getOwn<T>(o: Record<string, T>, key: string): T | undefined {
  return hasOwn(o, key) ? o[key] : undefined;
}
