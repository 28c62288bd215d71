/** `text`, cut to `max` characters with an ellipsis: CloudWatch and Scheduler descriptions have length limits. */
export function truncate(text: string, max = 1024): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
