/**
 * Scoring taggers against gold tags: one {@link io.streamner.eval.Counts} for precision, recall and
 * F1, and the {@link io.streamner.eval.Evaluator} of binary taggers (token, span, mention) and of
 * typed ones (strict entities). Depends only on text.
 */
package io.streamner.eval;
