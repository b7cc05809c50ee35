package io.streamner.text;

/**
 * Reads {@link CorpusFormat#JSONL}: one {@code {"id", "tokens", "tags"}} object per line, with
 * {@link SentenceJson}, the reader of the train topic too.
 *
 * <p>A record that breaks a rule is dropped whole and reported: unlike a column file there is no
 * meaningful "rest of the sentence".
 */
final class JsonLineParser extends LineParser {

  @Override
  void accept(long number, String line) {
    if (unusable(number, line)) {
      return;
    }
    try {
      SentenceJson.Read read = SentenceJson.read(line, SentenceJson.Kind.CORPUS, Integer.MAX_VALUE);
      emit(new Sentence(read.tokens(), read.tags(), number));
    } catch (SentenceJson.Rejected e) {
      skip(number, e.problem(), line);
    }
  }
}
