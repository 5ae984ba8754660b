import { describe, expect, it } from 'vitest';
import { auditKindSchema } from '../../../protocol/auth.js';
import { ApiError } from '../../api/http-client.js';
import { AUDIT_COPY, adminErrorText, formatWhen } from './admin-format.js';

describe('admin copy', () => {
  it('words every audit kind', () => {
    for (const kind of auditKindSchema.options) expect(AUDIT_COPY[kind]).toMatch(/\w/);
  });

  it('explains the refusals an admin can meet', () => {
    expect(adminErrorText(new ApiError(409, 'last_admin', 'x'))).toMatch(/no admin/);
    expect(adminErrorText(new ApiError(409, 'already_exists', 'x'))).toMatch(/taken/);
    expect(adminErrorText(new ApiError(400, 'invalid_body', 'name: letters only'))).toBe('name: letters only');
  });

  it('formats times as local minutes and leaves other text alone', () => {
    expect(formatWhen('2026-12-02T14:05:09Z')).toMatch(/^2026-12-0\d \d\d:\d5$/);
    expect(formatWhen('soon')).toBe('soon');
  });
});
