/**
 * Scoring taggers against gold tags: one {@link io.streamner.eval.Counts} for precision, recall and
 * F1, binary (token, span, mention) and typed (strict entities) evaluators. Depends only on text.
 */
package io.streamner.eval;
