/**
 * The compliance frameworks a catalog rule can belong to, through the Security Hub controls its
 * managed rule backs: ids as the views and reports carry them, and the name a report shows.
 */

export const FRAMEWORKS = ['cis-aws-foundations', 'aws-fsbp', 'nist-800-53', 'pci-dss'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const FRAMEWORK_NAMES: Record<Framework, string> = {
  'cis-aws-foundations': 'CIS AWS Foundations Benchmark',
  'aws-fsbp': 'AWS Foundational Security Best Practices',
  'nist-800-53': 'NIST SP 800-53 Rev. 5',
  'pci-dss': 'PCI DSS v3.2.1',
};

export function isFramework(value: unknown): value is Framework {
  return typeof value === 'string' && (FRAMEWORKS as readonly string[]).includes(value);
}

/** The name a report shows for a framework id; the id itself when it is not one of ours. */
export function frameworkName(framework: string): string {
  return isFramework(framework) ? FRAMEWORK_NAMES[framework] : framework;
}
