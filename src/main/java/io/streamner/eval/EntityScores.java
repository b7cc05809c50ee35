package io.streamner.eval;

/**
 * How well a tagger found one entity type in a corpus.
 *
 * @param token every token judged alone: positive if its tag is of the entity type
 * @param span exact-match spans, a span being a maximal run of entity tokens on both sides. A
 *     binary tagger marks no boundary between adjacent mentions, so gold mentions that touch (BTC
 *     tags "@" and the user name after it as two B-PER) count as one span
 * @param mention exact-match mentions as annotated (B-/I- aware) against the predicted runs: the
 *     strict entity score, which adjacent gold mentions hold down for a binary tagger
 * @param tokens tokens scored
 */
public record EntityScores(
    String entity, Counts token, Counts span, Counts mention, long tokens, long sentences) {}
