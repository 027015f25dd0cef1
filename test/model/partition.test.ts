import { describe, expect, it } from 'vitest';
import { organizationsRegion, partitionOf } from '../../src/model/partition.js';

describe('partitions', () => {
  it('a region belongs to the partition its name says', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('us-iso-east-1')).toBe('aws-iso');
    expect(partitionOf('us-isob-east-1')).toBe('aws-iso-b');
  });

  it('Organizations answers in us-east-1 for every commercial region', () => {
    for (const region of ['eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-west-2', 'us-east-1']) {
      expect(organizationsRegion(region)).toBe('us-east-1');
    }
  });

  it('Organizations answers in cn-northwest-1 for the China regions', () => {
    expect(organizationsRegion('cn-north-1')).toBe('cn-northwest-1');
    expect(organizationsRegion('cn-northwest-1')).toBe('cn-northwest-1');
  });

  it('Organizations answers in us-gov-west-1 for GovCloud, us-gov-east-1 included', () => {
    expect(organizationsRegion('us-gov-east-1')).toBe('us-gov-west-1');
    expect(organizationsRegion('us-gov-west-1')).toBe('us-gov-west-1');
  });

  it('the ISO partitions have their own one region', () => {
    expect(organizationsRegion('us-iso-west-1')).toBe('us-iso-east-1');
    expect(organizationsRegion('us-isob-east-1')).toBe('us-isob-east-1');
  });
});
