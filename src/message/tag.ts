/**
 * tag.ts: the tag hash a ConsumeQueue entry carries (tagsCode). RocketMQ uses Java's
 * String.hashCode() of the TAGS property: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units,
 * wrapped to a signed 32-bit integer. A message without a tag, or with an empty one, has tagsCode 0.
 *
 * The value is a Java long in the ConsumeQueue, but a String hash always fits in int32, so a JS
 * number holds it exactly; no bigint is needed on this hot path.
 */

/** Java's String.hashCode(). */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index++) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  }
  return hash;
}

/** The tagsCode stored for a message with this TAGS property (undefined or empty: 0). */
export function tagsCode(tags: string | undefined): number {
  if (tags === undefined || tags.length === 0) return 0;
  return javaStringHashCode(tags);
}
