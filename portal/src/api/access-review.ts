import { arm } from './arm.js';
import { API } from './api-versions.js';
import type {
  AccessApplyPlan,
  AccessReview,
  AssignmentReview,
  GroupAccessReview,
  GroupAssignmentReview,
  SuggestedRole,
  UsedOperation,
} from '../../../src/wire/access-review.js';

export type {
  AccessApplyPlan,
  AccessReview,
  AssignmentReview,
  GroupAccessReview,
  GroupAssignmentReview,
  SuggestedRole,
  UsedOperation,
};

const NS = 'providers/OpenMI.Audit';

/** The windows the portal offers; the server accepts any whole number of days from 1 to 3650. */
export const REVIEW_DAYS = [1, 7, 30, 90, 365] as const;

/** `subjectId`: a user-assigned identity's ARM id, or a resource's id for its system-assigned identity. */
export const accessReview = (subjectId: string, days: number) =>
  arm<AccessReview>('GET', `${subjectId}/${NS}/accessReview`, {
    apiVersion: API.openmi,
    query: { days: String(days) },
  });

/**
 * The call `openmi identity access-review --apply/--dry-run` makes: the server re-checks every
 * observed call against the new assignments and refuses to apply a plan that would deny one.
 */
export const applyAccessReview = (subjectId: string, days: number, dryRun: boolean) =>
  arm<AccessApplyPlan>('POST', `${subjectId}/${NS}/accessReview/apply`, {
    apiVersion: API.openmi,
    query: { days: String(days), dryRun: String(dryRun) },
  });

export const groupAccessReview = (groupId: string, days: number) =>
  arm<GroupAccessReview>('GET', `/${NS}/groupAccessReviews/${encodeURIComponent(groupId)}`, {
    apiVersion: API.openmi,
    query: { days: String(days) },
  });
