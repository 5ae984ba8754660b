/** Suggestions for a tag being typed: prefix matches first, then substring matches, never one already on the item. */
export function suggestTags(input: string, known: readonly string[], present: readonly string[], limit = 8): string[] {
  const q = input.trim().toLowerCase();
  const have = new Set(present);
  const pool = [...new Set(known)].filter((t) => !have.has(t));
  if (!q) return pool.slice(0, limit);
  const prefix = pool.filter((t) => t.toLowerCase().startsWith(q));
  const inner = pool.filter((t) => !t.toLowerCase().startsWith(q) && t.toLowerCase().includes(q));
  return [...prefix, ...inner].filter((t) => t.toLowerCase() !== q || !have.has(t)).slice(0, limit);
}
