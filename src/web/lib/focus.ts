/**
 * A ref callback that focuses an element once, when it mounts: for inputs that appear because
 * the user asked for them (a name form opened by a click), where focus belongs in the new field.
 * Module-level, so React never calls it again on a re-render.
 */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
