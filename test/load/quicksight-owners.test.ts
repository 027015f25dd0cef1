import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadRepository } from '../../src/load/index.js';
import { editFile, scratchRepo } from '../helpers/repo.js';

test('quicksight/ with no owner in config/org.yaml is refused: apply would lock everyone out', async () => {
  const { root } = await scratchRepo();
  await editFile(join(root, 'config/org.yaml'), (t) =>
    t.replace('  owners:\n    - group/org-compliance-admins\n', '  owners: []\n'),
  );
  const { repository, diagnostics } = await loadRepository(root, { today: '2026-11-28' });
  expect(repository).toBeUndefined();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ file: 'config/org.yaml', field: 'quicksight.owners' });
  expect(errors[0]?.message).toBe(
    "quicksight/ holds 31 definitions but quicksight.owners lists nobody: name at least one QuickSight group or user that manages them, e.g. 'group/org-compliance-admins'",
  );
});
