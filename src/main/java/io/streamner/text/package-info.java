/**
 * Reading labelled and unlabelled text for the tagger, and the tag grammar the rest of the project
 * relies on.
 *
 * <p>Real corpora are messy (empty tokens, stray whitespace lines, bad bytes). The readers here
 * never crash on such input and never drop it silently: every skipped line becomes a {@link
 * io.streamner.text.Problem} in the {@link io.streamner.text.Corpus}, so a user can see what was
 * left out of training. Tags from different corpora ({@code I-PER}, {@code B-person}, {@code
 * PERSON}) are mapped to one canonical type by {@link io.streamner.text.EntityTags}, so a single
 * {@code --entity PER} works on all of them.
 *
 * <p>This package depends only on the JDK, Jackson and {@code io.streamner.json}.
 */
package io.streamner.text;
