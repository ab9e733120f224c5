/**
 * Descriptions of the operations where bootdepot deliberately answers differently from Pulp, so a client
 * written against Pulp's document (which expects `202 {"task": …}` there) learns it from ours.
 */
export const CHANGED_AT_ONCE =
  'Unlike Pulp, which answers 202 with a task, the change is made at once and the answer is the changed object (200).';

export const DELETED_AT_ONCE =
  'Unlike Pulp, which answers 202 with a task, the object is deleted at once and the answer is 204 without a body.';

export const CREATED_AT_ONCE =
  'Unlike Pulp, which answers 202 with a task, the distribution is created at once and the answer is 201 with it.';
