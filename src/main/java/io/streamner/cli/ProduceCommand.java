package io.streamner.cli;

import io.streamner.kafka.KafkaClients;
import io.streamner.kafka.KafkaPreflight;
import io.streamner.kafka.KafkaSettings;
import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.TrainRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.Corpus;
import io.streamner.text.Sentence;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamner produce}: a corpus file onto a topic, in the JSON wire format. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Send a corpus (CoNLL-2003, token<TAB>tag, JSON lines or plain text) to a Kafka topic as "
            + "train records (labelled) or score records, one per sentence, in file order.")
public final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RequiredKafkaOptions kafkaOptions;

  @Option(
      names = "--topic",
      required = true,
      paramLabel = "TOPIC",
      description = "Topic to write to.")
  String topic;

  @Option(
      names = "--as",
      paramLabel = "KIND",
      description = "train or score (default: train when the file has tags, else score).")
  String kind;

  @Option(
      names = "--format",
      paramLabel = "NAME",
      description = "Force the input format: conll, tsv, jsonl, text.")
  String format;

  @Option(
      names = "--id-prefix",
      paramLabel = "TEXT",
      description = "Record ids are this plus the sentence number " + "(default: the file name).")
  String idPrefix;

  @Parameters(index = "0", paramLabel = "FILE", description = "The corpus file.")
  Path file;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    KafkaSettings kafka = kafkaOptions.kafka();
    Corpus corpus = Corpora.read(file, format, spec.commandLine().getErr());
    boolean asTrain =
        kind == null
            ? corpus.labelled()
            : switch (kind.toLowerCase()) {
              case "train" -> true;
              case "score" -> false;
              default -> throw new UserError("--as must be train or score, got '" + kind + "'");
            };
    if (asTrain && !corpus.labelled())
      throw new UserError(file + " has no tags: it can only be sent --as score");
    // Fails within seconds, saying why, if Kafka refuses the settings or lacks the topic.
    KafkaPreflight.check(kafka, List.of(topic));
    String prefix = idPrefix != null ? idPrefix : file.getFileName().toString() + "-";
    long start = System.nanoTime();
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(kafka))) {
      Future<?> last = null;
      for (Sentence s : corpus.sentences()) {
        String id = prefix + (sent + 1);
        byte[] value =
            asTrain
                ? WireFormat.encode(new TrainRecord(id, s.tokens(), s.tags(), null))
                : WireFormat.encode(new ScoreRecord(id, s.tokens(), null, null));
        last =
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value));
        sent++;
      }
      producer.flush();
      if (last != null) last.get();
    } catch (ExecutionException e) {
      throw new UserError("could not write to " + topic + ": " + e.getCause().getMessage(), e);
    }
    out.printf(
        "sent %,d %s records to %s in %.1f s%n",
        sent, asTrain ? "train" : "score", topic, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
