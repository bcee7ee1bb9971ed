package io.groupbuy.recommend;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Wide&Deep network (Cheng et al., 2016) scoring (user, item) pairs on DJL's PyTorch engine: the
 * wide part is a linear model over the dense features and the one-hot frequency x recency cross;
 * the deep part is an MLP over the dense features and a learned embedding of the item. Their logits
 * add up; the output is P(the item is in the next basket). With {@code deep} off it is the wide
 * part alone: logistic regression, the baseline it is held against.
 *
 * <p>Inputs, per batch: dense features (B x {@link RankerFeatures#DENSE}, float), cross cell (B,
 * int), item id (B, int).
 */
public final class WideDeep implements AutoCloseable {

  /**
   * {@code weightDecay}: Adam's L2 penalty on every parameter; it keeps the item embedding from
   * fitting the training users after the second epoch (models saved before it existed read as 0).
   */
  public record Settings(
      int epochs,
      int batchSize,
      float learningRate,
      int embedding,
      int hidden,
      long seed,
      float weightDecay) {
    public Settings(
        int epochs, int batchSize, float learningRate, int embedding, int hidden, long seed) {
      this(epochs, batchSize, learningRate, embedding, hidden, seed, 0f);
    }

    public static Settings defaults() {
      return new Settings(8, 512, 0.001f, 16, 64, 42, 1e-4f);
    }

    /** The same settings with another number of epochs and seed. */
    public Settings with(int epochs, long seed) {
      return new Settings(epochs, batchSize, learningRate, embedding, hidden, seed, weightDecay);
    }

    /**
     * For the wide part alone (logistic regression): a convex problem that a rate 5 times higher
     * reaches in the same epochs, so that the baseline is not held back by its training; and no
     * weight decay, which lowered its AUC on every draw of users tried.
     */
    public Settings forLinear() {
      return new Settings(epochs, batchSize, learningRate * 5, embedding, hidden, seed, 0f);
    }
  }

  private final Model model;
  private final boolean deep;
  private final int items;

  private WideDeep(Model model, boolean deep, int items) {
    this.model = model;
    this.deep = deep;
    this.items = items;
  }

  /** One thread and a fixed seed: training gives the same network on every run. */
  public static void reproducible(long seed) {
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
  }

  /**
   * For serving inside a node: one PyTorch thread per call (requests run on many threads already)
   * and no download of the native library (it comes from the classpath).
   */
  public static void servingThreads() {
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
  }

  static Block network(boolean deep, int items, Settings s) {
    int cells = RankerFeatures.CROSS_CELLS;
    Block wide =
        new SequentialBlock()
            .add(
                new LambdaBlock(
                    in ->
                        new NDList(
                            in.get(0)
                                .concat(
                                    in.get(1).oneHot(cells).toType(DataType.FLOAT32, false), 1)),
                    "wide-input"))
            .add(Linear.builder().setUnits(1).build());
    if (!deep) return wide;
    Block embedded =
        new ParallelBlock(
            parts -> new NDList(NDArrays.concat(parts)),
            List.of(
                new LambdaBlock(in -> new NDList(in.get(0)), "dense"),
                new SequentialBlock()
                    .add(new LambdaBlock(in -> new NDList(in.get(2)), "item"))
                    .add(
                        new IdEmbedding.Builder()
                            .setDictionarySize(items)
                            .setEmbeddingSize(s.embedding())
                            .build())));
    Block deepPart =
        new SequentialBlock()
            .add(embedded)
            .add(Linear.builder().setUnits(s.hidden()).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(s.hidden() / 2).build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(1).build());
    return new ParallelBlock(
        logits ->
            new NDList(logits.get(0).singletonOrThrow().add(logits.get(1).singletonOrThrow())),
        List.of(wide, deepPart));
  }

  /** Small helper so the join above reads as what it does. */
  private static final class NDArrays {
    static NDArray concat(List<NDList> parts) {
      return parts.get(0).singletonOrThrow().concat(parts.get(1).singletonOrThrow(), 1);
    }
  }

  /** What one epoch came to: mean training log-loss, and log-loss on the held-out pairs. */
  public record Epoch(int number, double trainLoss, double heldOutLoss, boolean kept) {}

  /**
   * Trains on {@code data} for at most {@code settings.epochs()} epochs, keeping the parameters of
   * the epoch with the lowest log-loss on {@code heldOut} and stopping after two epochs without
   * improvement; {@code epochDone} hears each epoch as it ends.
   */
  public static WideDeep train(
      RankerFeatures.Stacked data,
      RankerFeatures.Stacked heldOut,
      int items,
      boolean deep,
      Settings s,
      java.util.function.Consumer<Epoch> epochDone) {
    Model model = Model.newInstance(deep ? "wide-deep" : "wide", "PyTorch");
    model.setBlock(network(deep, items, s));
    WideDeep net = new WideDeep(model, deep, items);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(s.learningRate()))
                    .optWeightDecays(s.weightDecay())
                    .build());
    Path best;
    try {
      best = java.nio.file.Files.createTempDirectory("wide-deep");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (NDManager m = NDManager.newBaseManager();
        Trainer trainer = model.newTrainer(config)) {
      int rows = data.items().length;
      ArrayDataset dataset =
          new ArrayDataset.Builder()
              .setData(
                  m.create(data.dense(), new Shape(rows, RankerFeatures.DENSE)),
                  m.create(data.cross()),
                  m.create(data.items()))
              .optLabels(m.create(data.labels(), new Shape(rows, 1)))
              .setSampling(s.batchSize(), true)
              .build();
      trainer.initialize(
          new Shape(s.batchSize(), RankerFeatures.DENSE),
          new Shape(s.batchSize()),
          new Shape(s.batchSize()));
      double bestLoss = Double.POSITIVE_INFINITY;
      int sinceBest = 0;
      for (int epoch = 1; epoch <= s.epochs() && sinceBest < 2; epoch++) {
        double sum = 0;
        long n = 0;
        for (Batch batch : trainer.iterateDataset(dataset)) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList out = trainer.forward(batch.getData());
            NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), out);
            gc.backward(loss);
            sum += loss.getFloat() * batch.getSize();
            n += batch.getSize();
          }
          trainer.step();
          batch.close();
        }
        double held =
            RankerMetrics.logLoss(
                net.predict(heldOut.items(), heldOut.dense(), heldOut.cross()), heldOut.labels());
        boolean kept = held < bestLoss;
        if (kept) {
          bestLoss = held;
          sinceBest = 0;
          model.save(best, model.getName());
        } else {
          sinceBest++;
        }
        net.lastLoss = n == 0 ? 0 : sum / n;
        epochDone.accept(new Epoch(epoch, net.lastLoss, held, kept));
      }
      model.load(best, model.getName());
    } catch (TranslateException | IOException | ai.djl.MalformedModelException e) {
      throw new IllegalStateException("training failed: " + e.getMessage(), e);
    }
    return net;
  }

  private double lastLoss;

  /** The mean log-loss of the last epoch trained. */
  public double lastLoss() {
    return lastLoss;
  }

  /**
   * P(in the next basket) for each of the rows given. One call at a time: DJL's blocks are not safe
   * for concurrent forward passes (the item embedding's parameter is released under a second
   * caller); a call over a user's ~80 candidates takes well under a millisecond.
   */
  public synchronized float[] predict(int[] itemIds, float[] dense, int[] cross) {
    int rows = itemIds.length;
    float[] out = new float[rows];
    if (rows == 0) return out;
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      int step = 4096;
      for (int from = 0; from < rows; from += step) {
        int to = Math.min(rows, from + step);
        int[] idx = java.util.Arrays.copyOfRange(itemIds, from, to);
        for (int k = 0; k < idx.length; k++) if (idx[k] >= items) idx[k] = 0;
        NDList in =
            new NDList(
                m.create(
                    java.util.Arrays.copyOfRange(
                        dense, from * RankerFeatures.DENSE, to * RankerFeatures.DENSE),
                    new Shape(to - from, RankerFeatures.DENSE)),
                m.create(java.util.Arrays.copyOfRange(cross, from, to)),
                m.create(idx));
        NDArray logits = model.getBlock().forward(ps, in, false).singletonOrThrow();
        float[] p = Activation.sigmoid(logits).toFloatArray();
        System.arraycopy(p, 0, out, from, p.length);
      }
    }
    return out;
  }

  /** A network written by {@link #save}, built with the same settings. */
  public static WideDeep load(Path dir, int items, boolean deep, Settings s) {
    Model model = Model.newInstance(deep ? "wide-deep" : "wide", "PyTorch");
    model.setBlock(network(deep, items, s));
    try {
      model.load(dir, model.getName());
    } catch (IOException | ai.djl.MalformedModelException e) {
      model.close();
      throw new IllegalStateException(
          "cannot load the ranker from " + dir + ": " + e.getMessage(), e);
    }
    return new WideDeep(model, deep, items);
  }

  /** Writes the parameters under {@code dir} (file name: the model's name). */
  public void save(Path dir) {
    try {
      model.save(dir, model.getName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean deep() {
    return deep;
  }

  @Override
  public void close() {
    model.close();
  }
}
