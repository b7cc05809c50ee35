package io.streamner.job;

import io.streamner.kafka.wire.ScoreRecord;
import io.streamner.kafka.wire.WireFormat;
import io.streamner.text.EntityTags;
import io.streamner.text.Sentence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The scoring operator of a job with nothing else on the machine: no broker, no Kafka clients. A
 * model trained in the model operator (Flink's harness) is sent to the replicas as the job sends
 * it; requests come from an in-memory source of one subtask, dealt round-robin to {@code
 * scoring.parallelism} scorers, whose predictions (encoded as for the topic) are counted and
 * dropped. What it measures is whether the scoring tier itself scales with its subtasks, which the
 * end-to-end figure cannot show on a machine whose cores the broker and its clients share.
 */
public final class ScoringAlone {
  private ScoringAlone() {}

  /** Answers so far and the moments the timed part begins and ends (this JVM: a MiniCluster). */
  private static final AtomicLong ANSWERS = new AtomicLong();

  private static final AtomicLong TIMED_FROM = new AtomicLong();
  private static final AtomicLong TIMED_TO = new AtomicLong();
  private static volatile long warmAnswers;
  private static volatile long allAnswers;

  /** How fast the scorers answered the requests after the first fifth (a warm-up). */
  public record Result(int scoringParallelism, long requests, long timed, double perSecond) {}

  /**
   * The updates a model operator sends after training {@code model} (binary) on {@code training},
   * once: the replicas' first version.
   */
  public static List<ModelUpdate> trainedModel(
      JobDefinition definition, String model, List<Sentence> training) throws Exception {
    List<ModelUpdate> updates = new ArrayList<>();
    try (KeyedOneInputStreamOperatorTestHarness<String, ModelInput, EncodedRecord> trainer =
        new KeyedOneInputStreamOperatorTestHarness<>(
            ModelOperator.of(definition), new StreamnerJob.ByModel(), Types.STRING)) {
      trainer.open();
      int i = 0;
      for (Sentence s : training) {
        ParsedRecord r = new ParsedRecord();
        r.id = "train-" + i++;
        r.tokens = s.tokens().toArray(new String[0]);
        r.tags = s.tags().toArray(new String[0]);
        r.sourceTopic = "train";
        r.raw = r.id.getBytes(StandardCharsets.UTF_8);
        trainer.processElement(
            new StreamRecord<>(new ModelInput(model, r, EntityTags.binaryLabels(s.tags(), model))));
        trainer.getOutput().clear(); // its predictions: not needed here
      }
      trainer.prepareSnapshotPreBarrier(1); // a barrier sends the model's update
      for (StreamRecord<ModelUpdate> u : trainer.getSideOutput(ModelOperator.UPDATES)) {
        updates.add(u.getValue());
      }
    }
    if (updates.isEmpty()) throw new IllegalStateException("the model operator sent no update");
    return updates;
  }

  /**
   * Scores {@code requests} requests (the sentences of {@code toScore} in turn) at {@code
   * parallelism} scoring subtasks, in a local Flink of this JVM.
   */
  public static Result run(
      JobDefinition definition,
      List<ModelUpdate> model,
      List<Sentence> toScore,
      long requests,
      int parallelism)
      throws Exception {
    ANSWERS.set(0);
    TIMED_FROM.set(0);
    TIMED_TO.set(0);
    warmAnswers = requests / 5;
    allAnswers = requests;
    List<String[]> sentences = new ArrayList<>();
    for (Sentence s : toScore) sentences.add(s.tokens().toArray(new String[0]));

    Configuration conf = new Configuration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    env.setParallelism(parallelism);
    DataStream<ModelUpdate> updates =
        env.fromData(model, TypeInformation.of(ModelUpdate.class)).setParallelism(1);
    DataStream<ParsedRecord> input =
        env.fromSource(
                new DataGeneratorSource<>(
                    new Requests(sentences),
                    requests,
                    RateLimiterStrategy.noOp(),
                    TypeInformation.of(ParsedRecord.class)),
                WatermarkStrategy.noWatermarks(),
                "requests")
            .setParallelism(1)
            .rebalance();
    input
        .connect(updates.broadcast(ScoreWithReplicas.COLUMNS, ScoreWithReplicas.MODELS))
        .process(
            new ScoreWithReplicas(definition.models(), "the speed suite"),
            TypeInformation.of(EncodedRecord.class))
        .name("score")
        .map(new CountAnswers())
        .sinkTo(new DiscardingSink<>());
    env.execute("scoring alone");

    if (ANSWERS.get() != requests) {
      throw new IllegalStateException(ANSWERS.get() + " of " + requests + " requests answered");
    }
    long timed = requests - warmAnswers;
    double seconds = (TIMED_TO.get() - TIMED_FROM.get()) / 1e9;
    return new Result(parallelism, requests, timed, timed / seconds);
  }

  /**
   * Request i: sentence i mod n, as the score topic's parser makes it, with the bytes of a record
   * of that sentence (encoded once per sentence: the source is the load generator, whose work is
   * not the scorers').
   */
  private static final class Requests implements GeneratorFunction<Long, ParsedRecord> {
    private final List<String[]> sentences;
    private final List<byte[]> records = new ArrayList<>();

    Requests(List<String[]> sentences) {
      this.sentences = sentences;
      for (int i = 0; i < sentences.size(); i++) {
        records.add(
            WireFormat.encode(new ScoreRecord("q-" + i, List.of(sentences.get(i)), null, null)));
      }
    }

    @Override
    public ParsedRecord map(Long i) throws Exception {
      if (i == 0) {
        // The model's update goes first, as in a running job; requests that came before it
        // would wait in the scorer's state and be answered all at once.
        Thread.sleep(1_000);
      }
      ParsedRecord r = new ParsedRecord();
      r.id = "q-" + i;
      int sentence = (int) (i % sentences.size());
      r.tokens = sentences.get(sentence);
      r.sourceTopic = "score";
      r.sourceOffset = i;
      r.raw = records.get(sentence);
      return r;
    }
  }

  /** Counts answers; the timed part runs from the answer after the warm-up to the last. */
  private static final class CountAnswers implements MapFunction<EncodedRecord, EncodedRecord> {
    @Override
    public EncodedRecord map(EncodedRecord answer) {
      long n = ANSWERS.incrementAndGet();
      if (n == warmAnswers) TIMED_FROM.set(System.nanoTime());
      if (n == allAnswers) TIMED_TO.set(System.nanoTime());
      return answer;
    }
  }
}
