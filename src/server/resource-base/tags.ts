import { invalid } from '../../kernel/errors.js';

/** ARM tag limits (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations): at most 50 pairs, keys ≤ 512 and values ≤ 256 characters. */
export function checkTags(tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== 'object' || Array.isArray(tags)) {
    throw invalid("The 'tags' property must be an object of string values.", {
      code: 'InvalidRequestContent',
      target: 'tags',
    });
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50)
    throw invalid(`A resource can have at most 50 tags; ${entries.length} were given.`, {
      code: 'InvalidTagNameCharacters',
      target: 'tags',
    });
  for (const [k, v] of entries) {
    if (typeof v !== 'string')
      throw invalid(`The value of tag '${k}' must be a string.`, {
        code: 'InvalidRequestContent',
        target: `tags.${k}`,
      });
    if (k.length === 0 || k.length > 512)
      throw invalid(`Tag name '${k.slice(0, 40)}' must be 1 to 512 characters.`, {
        code: 'InvalidTagNameLength',
        target: 'tags',
      });
    if (/[<>%&\\?/]/.test(k))
      throw invalid(`Tag name '${k}' contains one of the characters < > % & \\ ? / which ARM does not allow.`, {
        code: 'InvalidTagNameCharacters',
        target: 'tags',
      });
    if (v.length > 256)
      throw invalid(`The value of tag '${k}' is longer than 256 characters.`, {
        code: 'InvalidTagValueLength',
        target: `tags.${k}`,
      });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
