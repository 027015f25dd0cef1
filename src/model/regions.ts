/**
 * The AWS Regions that exist, per partition, as the SDK's endpoint data lists them
 * (@aws-sdk/core's partitions.js; test/model/regions.test.ts fails when they part). A region
 * code that matches the pattern but names no Region (`eu-west-9`) is refused with these.
 */
import { nearest } from './nearest.js';

export const REGIONS_BY_PARTITION: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

const PARTITION_OF = new Map(
  Object.entries(REGIONS_BY_PARTITION).flatMap(([partition, regions]) => regions.map((r) => [r, partition])),
);

/** The partition a known Region belongs to; undefined for a code that names no Region. */
export function regionPartition(region: string): string | undefined {
  return PARTITION_OF.get(region);
}

/** Why `region` is not a Region, with the nearest ones; undefined when it is one. */
export function unknownRegionProblem(region: string): string | undefined {
  if (PARTITION_OF.has(region)) return undefined;
  const near = nearest(region, PARTITION_OF.keys(), 3, 2);
  return `'${region}' is not an AWS Region${near.length ? `; nearest: ${near.join(', ')}` : ''} (Regions known: those of the AWS SDK's endpoint data, such as eu-west-1, us-east-1, cn-north-1, us-gov-west-1)`;
}
