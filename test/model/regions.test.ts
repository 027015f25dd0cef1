import { describe, expect, it } from 'vitest';
import { REGIONS_BY_PARTITION, regionPartition, unknownRegionProblem } from '../../src/model/regions.js';

/** The SDK's endpoint data (not exported by @aws-sdk/core: read from its file). */
const SDK_PARTITIONS =
  '../../node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js';
const { partitionsInfo } = (await import(SDK_PARTITIONS)) as {
  partitionsInfo: { partitions: { id: string; regions: Record<string, unknown> }[] };
};

describe('the known AWS Regions', () => {
  it("are exactly the SDK endpoint data's, partition by partition (without the aws-global style pseudo-regions)", () => {
    const sdk = Object.fromEntries(
      partitionsInfo.partitions.map((p) => [
        p.id,
        Object.keys(p.regions)
          .filter((r) => !r.startsWith('aws-'))
          .sort(),
      ]),
    );
    expect(REGIONS_BY_PARTITION).toEqual(sdk);
  });

  it('name their partition; a code shaped like a Region that names none is refused with the nearest', () => {
    expect(regionPartition('eu-west-1')).toBe('aws');
    expect(regionPartition('cn-north-1')).toBe('aws-cn');
    expect(regionPartition('us-gov-west-1')).toBe('aws-us-gov');
    expect(regionPartition('eu-west-9')).toBeUndefined();
    expect(unknownRegionProblem('eu-west-1')).toBeUndefined();
    expect(unknownRegionProblem('eu-west-9')).toBe(
      "'eu-west-9' is not an AWS Region; nearest: eu-west-1, eu-west-2, eu-west-3 (Regions known: those of the AWS SDK's endpoint data, such as eu-west-1, us-east-1, cn-north-1, us-gov-west-1)",
    );
  });
});
