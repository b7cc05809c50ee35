package io.streamner.cli;

import io.streamner.demo.Demo;
import io.streamner.demo.SampleCorpus;
import io.streamner.kafka.KafkaSettings;
import io.streamner.text.Corpus;
import io.streamner.text.Sentence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamner demo}: watch continuous training happen, on one machine, with nothing installed.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start a Kafka broker and a local Flink (with its web UI) in this process, run the job of "
          + "flink-jobs/demo.properties, stream a labelled corpus into it and print the prequential score as it learns.",
      "Without --train it streams a generated sample. It ends when the input is trained on (or runs on with "
          + "--follow until Ctrl-C), exports the model and draws the learning curve."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--train",
      paramLabel = "FILE",
      description = "Labelled corpus to stream (default: a generated sample).")
  Path train;

  @Option(
      names = "--score",
      paramLabel = "FILE",
      description =
          "Sentences to score meanwhile (default: with --train, every tenth training sentence; else generated).")
  Path score;

  @Option(
      names = "--vectors",
      paramLabel = "FILE",
      description = "GloVe vectors the model starts from.")
  Path vectors;

  @Mixin CorpusFormatOption format;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "250",
      description = "Labelled sentences per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--sample-size",
      paramLabel = "N",
      defaultValue = "5000",
      description = "Sentences in the generated sample (default: ${DEFAULT-VALUE}).")
  int sampleSize;

  @Option(
      names = "--score-every",
      paramLabel = "K",
      defaultValue = "10",
      description =
          "Send a sentence to score after every K labelled ones (default: ${DEFAULT-VALUE}).")
  int scoreEvery;

  @Option(
      names = "--follow",
      description = "Keep running after the input is exhausted, until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description =
          "Use this Kafka instead of starting one in this process; the topics of"
              + " flink-jobs/demo.properties are created there if missing (and should be empty).")
  String bootstrapServers;

  @Mixin KafkaOptions kafkaOptions;

  @Option(
      names = "--kafka-dir",
      paramLabel = "DIR",
      description = "Keep the broker's data here (default: a temporary directory).")
  Path kafkaDir;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "demo-output",
      description = "Where the model and the learning curve go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(
      names = "--web-ui-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description = "Flink web UI port, if free (default: ${DEFAULT-VALUE}; else any free port).")
  int webUiPort;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  double progressSeconds;

  @Override
  public Integer call() throws Exception {
    if (!(rate > 0)) throw new UserError("--rate must be positive, got " + rate);
    if (scoreEvery < 1) throw new UserError("--score-every must be at least 1, got " + scoreEvery);
    if (sampleSize < 1) throw new UserError("--sample-size must be at least 1, got " + sampleSize);
    if (vectors != null && !vectors.toFile().isFile())
      throw new UserError("file not found: " + vectors);
    KafkaSettings kafka = null;
    if (bootstrapServers != null) {
      if (kafkaDir != null)
        throw new UserError("--kafka-dir is for the demo's own broker, not --bootstrap-servers");
      kafka = kafkaOptions.kafka(bootstrapServers);
    } else if (!kafkaOptions.settings().isEmpty()) {
      throw new UserError(
          "Kafka client settings need --bootstrap-servers (the demo's own broker takes none)");
    }
    List<Sentence> trainSentences;
    List<Sentence> scoreSentences;
    if (train != null) {
      trainSentences = labelled(train);
      scoreSentences =
          score != null
              ? Corpora.read(score, format.name, spec.commandLine().getErr()).sentences()
              : everyTenth(trainSentences);
    } else {
      if (score != null) throw new UserError("--score needs --train");
      trainSentences = SampleCorpus.generate(sampleSize, 1);
      scoreSentences = SampleCorpus.generate(Math.max(1, sampleSize / scoreEvery), 2);
      spec.commandLine()
          .getOut()
          .printf(
              "no --train given: streaming %,d generated sentences (people, places, "
                  + "organisations in short posts)%n",
              trainSentences.size());
    }
    Demo demo =
        new Demo(
            new Demo.Settings(
                trainSentences,
                scoreSentences,
                vectors,
                rate,
                scoreEvery,
                follow,
                kafkaDir,
                outDir,
                webUiPort,
                Duration.ofMillis((long) (progressSeconds * 1000)),
                kafka),
            spec.commandLine().getOut());
    demo.stopOnInterrupt();
    demo.run();
    return 0;
  }

  private static List<Sentence> everyTenth(List<Sentence> sentences) {
    List<Sentence> picked = new java.util.ArrayList<>();
    for (int i = 0; i < sentences.size(); i += 10)
      picked.add(new Sentence(sentences.get(i).tokens(), null, 0));
    return picked;
  }

  private List<Sentence> labelled(Path file) throws Exception {
    Corpus corpus = Corpora.read(file, format.name, spec.commandLine().getErr());
    List<Sentence> sentences = corpus.sentences().stream().filter(Sentence::labelled).toList();
    if (sentences.isEmpty()) throw new UserError(file + " holds no labelled sentences");
    return sentences;
  }
}
