import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** `text`, cut to `max` characters with an ellipsis: CloudWatch and Scheduler descriptions have length limits. */
export function truncate(text: string, max = 1024): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * `alarm`'s threshold line for a graph widget, labelled as CDK labels it ("Success < 1 for 2
 * datapoints within 3 minutes") but with one datapoint in the singular, where CDK writes "for 1
 * datapoints" (a confirmed HTTP monitor's 1 of 3, a backup's 1 of 1, the watchers).
 */
export function alarmAnnotation(alarm: cloudwatch.Alarm): cloudwatch.HorizontalAnnotation {
  const annotation = alarm.toAnnotation();
  return { ...annotation, label: annotation.label?.replace(/ for 1 datapoints /, ' for 1 datapoint ') };
}
