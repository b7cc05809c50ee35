package io.streamner.demo;

import io.streamner.text.Sentence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A labelled stream of short posts, generated from templates of our own writing, for the demo when
 * no corpus is given. It is built so that the learning curve means something: people are drawn from
 * a pool of thousands of first/last name pairs (most appear once or twice, so the model must learn
 * the contexts that announce a person, not memorise names), places and organisations are tagged too
 * (they are the negatives that look most like people), and the filler is casual.
 */
public final class SampleCorpus {
  private static final String[] FIRST = {
    "Amara", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Keiko", "Lars", "Maren", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tamsin", "Umar",
    "Vera", "Wim", "Xenia", "Yusuf", "Zora", "Aiden", "Bea", "Cyril", "Dagny", "Emeka", "Flora",
    "Gideon", "Hana", "Ivo", "Jude", "Kasia", "Leon", "Mirela", "Noor", "Otto", "Priya", "Rafael",
    "Signe", "Tobias", "Ulla", "Viktor", "Wanda", "Yara", "Zeno"
  };
  private static final String[] LAST = {
    "Abernathy",
    "Brightwater",
    "Castellano",
    "Dvorak",
    "Eastwick",
    "Falkner",
    "Gallardo",
    "Holmberg",
    "Iversen",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Moretti",
    "Nakamura",
    "Okafor",
    "Petrovic",
    "Quintero",
    "Rasmussen",
    "Sandoval",
    "Tanaka",
    "Underhill",
    "Valdivia",
    "Whitcombe",
    "Yilmaz",
    "Zielinski",
    "Ashdown",
    "Bergström",
    "Calloway",
    "Delacroix",
    "Eriksen",
    "Fairweather",
    "Grimaldi",
    "Hargreave",
    "Ishikawa",
    "Juarez",
    "Kirkland",
    "Lombardi",
    "Mbeki",
    "Northcott",
    "Oyelaran"
  };
  private static final String[] PLACES = {
    "Lisbon",
    "Tromsø",
    "Valparaíso",
    "Gdańsk",
    "Kyoto",
    "Leeds",
    "Nairobi",
    "Tbilisi",
    "Hobart",
    "Porto",
    "Ghent",
    "Bergen",
    "Lyon",
    "Cusco",
    "Halifax",
    "Mombasa",
    "Trieste",
    "Aarhus"
  };
  private static final String[][] ORGS = {
    {"Northwind", "Logistics"},
    {"Bluefin", "Labs"},
    {"Copperleaf", "Bank"},
    {"the", "Harbour", "Trust"},
    {"Meridian", "Rail"},
    {"Kestrel", "Energy"},
    {"Orchard", "Press"},
    {"Silverline", "Air"}
  };

  /** Names that are people in some posts and places in others: the context must decide. */
  private static final String[] AMBIGUOUS = {
    "Florence",
    "Austin",
    "Jordan",
    "Chelsea",
    "Georgia",
    "Victoria",
    "Sydney",
    "Lincoln",
    "Regina",
    "Orlando"
  };

  /** Share of person tokens a hurried annotator left untagged, as crowd-labelled corpora have. */
  private static final double MISSED_LABELS = 0.04;

  /**
   * Templates: P = a person, L = a place, O = an organisation, @ = a mention of a person's handle,
   * A = an ambiguous name used as a person, B = an ambiguous name used as a place, # = a hashtag.
   */
  private static final String[] TEMPLATES = {
    "just met P at the airport , what a day",
    "P says the ferry to L is late again",
    "great talk by P at O this morning",
    "O has hired P as chief engineer",
    "can't believe P scored twice in L",
    "@ thanks for the photos from L !",
    "P and P are opening a bakery in L",
    "lunch with P , then back to the office",
    "reading the new book by P on the train",
    "O opens a second office in L next spring",
    "congrats to P on the promotion at O",
    "P told reporters that O will not comment",
    "weather in L is lovely today",
    "who else is going to the concert in L tonight ?",
    "P : the match in L was the best I have seen",
    "happy birthday P , see you in L soon",
    "O shares fell after the report",
    "interview with P about life in L",
    "@ @ are you coming to L ?",
    "minister P visited L on Friday",
    "thanks P for the lift home",
    "the queue at O in L was endless",
    "P wrote to O about the delay",
    "dinner in L with P and friends",
    "mr P will speak at O tomorrow",
    "A said the trip was worth it",
    "flying to B next week # travel",
    "A and P met at the station in B",
    "so proud of A today !",
    "the rain in B will not stop",
    "moving from B to L in june",
    "P",
    "P P P",
    "# P wins again",
    "tickets for B sold out in minutes",
    "A just landed in L",
    "who is P anyway",
    "P ?",
    "O and O sign a deal in B",
    "love this song by P # music",
    "lol P you are the best",
    "off to L with A for the weekend"
  };

  private SampleCorpus() {}

  /** {@code count} sentences from templates, reproducible with {@code seed}. */
  public static List<Sentence> generate(int count, long seed) {
    Random random = new Random(seed);
    List<Sentence> sentences = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      List<String> tokens = new ArrayList<>();
      List<String> tags = new ArrayList<>();
      for (String slot : TEMPLATES[random.nextInt(TEMPLATES.length)].split(" ")) {
        switch (slot) {
          case "P" -> person(random, tokens, tags);
          case "L" -> add(tokens, tags, PLACES[random.nextInt(PLACES.length)], "B-LOC");
          case "A" ->
              add(tokens, tags, AMBIGUOUS[random.nextInt(AMBIGUOUS.length)], tag(random, "B-PER"));
          case "B" -> add(tokens, tags, AMBIGUOUS[random.nextInt(AMBIGUOUS.length)], "B-LOC");
          case "#" -> add(tokens, tags, "#" + WORDS[random.nextInt(WORDS.length)], "O");
          case "O" -> {
            String[] org = ORGS[random.nextInt(ORGS.length)];
            for (int k = 0; k < org.length; k++)
              add(tokens, tags, org[k], k == 0 ? "B-ORG" : "I-ORG");
          }
          case "@" -> {
            add(tokens, tags, "@", "B-PER");
            add(
                tokens,
                tags,
                (FIRST[random.nextInt(FIRST.length)] + random.nextInt(100)).toLowerCase(),
                "B-PER");
          }
          default -> add(tokens, tags, slot, "O");
        }
      }
      sentences.add(new Sentence(tokens, tags, i + 1));
    }
    return sentences;
  }

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ren", "do", "sa", "vi", "tor", "an", "bel", "cho", "du", "el", "fa", "gri",
    "ho", "ja", "ku", "li", "mon", "na", "or", "pe", "qui", "ra", "sel", "ti", "ul", "var", "wen",
    "ya", "zu"
  };

  /** Half the people come from the name lists, half are rare names made up on the spot. */
  private static String name(Random random, String[] common) {
    if (random.nextBoolean()) return common[random.nextInt(common.length)];
    StringBuilder n = new StringBuilder();
    for (int i = 0, k = 2 + random.nextInt(2); i < k; i++)
      n.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  private static void person(Random random, List<String> tokens, List<String> tags) {
    String first = name(random, FIRST);
    String last = name(random, LAST);
    switch (random.nextInt(3)) {
      case 0 -> add(tokens, tags, first, tag(random, "B-PER"));
      case 1 -> add(tokens, tags, last, tag(random, "B-PER"));
      default -> {
        add(tokens, tags, first, tag(random, "B-PER"));
        add(tokens, tags, last, tag(random, "I-PER"));
      }
    }
  }

  private static final String[] WORDS = {
    "fridayfeeling", "news", "football", "coffee", "tbt", "weekend", "jobs"
  };

  private static String tag(Random random, String tag) {
    return random.nextDouble() < MISSED_LABELS ? "O" : tag;
  }

  private static void add(List<String> tokens, List<String> tags, String token, String tag) {
    tokens.add(token);
    tags.add(tag);
  }
}
