import type { S3Client } from '@aws-sdk/client-s3';
import type { Loaded } from '../../../shared/aws.ts';

/**
 * The S3 SDK module and its client, as `deps.aws.s3()` gives them. The S3 code takes its command
 * classes from here rather than importing them, so the canary loads the S3 SDK only when a backup
 * check needs it, not at every cold start.
 */
export type S3Sdk = Loaded<typeof import('@aws-sdk/client-s3'), S3Client>;
