/**
 * AWS partitions: which one a region belongs to (the second field of its ARNs), and where a
 * partition's global services answer. Pure: the SDK is not asked.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b';

/** The partition of a region: `cn-north-1` → `aws-cn`, `us-gov-east-1` → `aws-us-gov`, else `aws`. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/**
 * The one region per partition that serves AWS Organizations (the SDK's endpoint rules sign for it
 * whatever region the client names; the AWS Organizations API Reference names us-east-1 and
 * cn-northwest-1).
 */
const ORGANIZATIONS_REGIONS: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-northwest-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
};

/** Where to call Organizations for an organization whose accounts live in `region`'s partition. */
export function organizationsRegion(region: string): string {
  return ORGANIZATIONS_REGIONS[partitionOf(region)];
}
