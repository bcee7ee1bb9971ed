package io.groupbuy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.groupbuy.audit.AuditRoutes;
import io.groupbuy.catalog.Catalog;
import io.groupbuy.catalog.CatalogRoutes;
import io.groupbuy.costs.CostForecasts;
import io.groupbuy.costs.CostQuotes;
import io.groupbuy.costs.CostRoutes;
import io.groupbuy.coupon.Campaign;
import io.groupbuy.coupon.CouponRoutes;
import io.groupbuy.dispatch.DispatchRegion;
import io.groupbuy.dispatch.DispatchRoutes;
import io.groupbuy.dispatch.DriverSocket;
import io.groupbuy.dispatch.GpsGate;
import io.groupbuy.dispatch.ShardedDispatch;
import io.groupbuy.dispatch.Vehicle;
import io.groupbuy.http.ApiDirectives;
import io.groupbuy.http.Auth;
import io.groupbuy.http.HttpServer;
import io.groupbuy.http.OpsRoutes;
import io.groupbuy.inventory.InventoryRoutes;
import io.groupbuy.inventory.ProductInventory;
import io.groupbuy.inventory.ShardedInventory;
import io.groupbuy.order.CassandraOrderArchive;
import io.groupbuy.order.Order;
import io.groupbuy.order.OrderArchive;
import io.groupbuy.order.OrderLedger;
import io.groupbuy.order.OrderRoutes;
import io.groupbuy.order.SagaAdapters;
import io.groupbuy.orderview.DemandForecasts;
import io.groupbuy.orderview.OrderViewProjection;
import io.groupbuy.orderview.OrderViewRebuild;
import io.groupbuy.orderview.OrderViewRoutes;
import io.groupbuy.orderview.OrderViewStore;
import io.groupbuy.orderview.SessionOrderFeed;
import io.groupbuy.platform.AsyncPool;
import io.groupbuy.platform.CassandraLauncher;
import io.groupbuy.platform.CassandraSchema;
import io.groupbuy.platform.DeadLetterCounter;
import io.groupbuy.platform.GroupCommitFront;
import io.groupbuy.platform.GroupbuySettings;
import io.groupbuy.platform.JournalFence;
import io.groupbuy.platform.Metrics;
import io.groupbuy.platform.ParentWatchdog;
import io.groupbuy.purchasing.CutoffPurchase;
import io.groupbuy.purchasing.DailyPurchaseCutoff;
import io.groupbuy.purchasing.PurchaseOrders;
import io.groupbuy.purchasing.PurchaseReceiving;
import io.groupbuy.purchasing.PurchasingRoutes;
import io.groupbuy.replenishment.DailyBoundsRefresh;
import io.groupbuy.replenishment.ForecastBoundsRoutes;
import io.groupbuy.replenishment.ForecastBoundsService;
import io.groupbuy.replenishment.Suggestions;
import io.groupbuy.session.BehaviourIntake;
import io.groupbuy.session.BehaviourStreamService;
import io.groupbuy.session.Recommendations;
import io.groupbuy.session.SessionRoutes;
import io.groupbuy.session.UserSession;
import io.groupbuy.session.grpc.BehaviourStreamPowerApiHandlerFactory;
import io.groupbuy.sim.FleetSimulator;
import io.groupbuy.sim.OrderGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;

/**
 * Starts a groupbuy node: (dev Cassandra) -> management -> cluster -> sharded entities -> schema ->
 * HTTP.
 */
public final class Main {
  private Main() {}

  /** The secret in application.conf: fine on a laptop, never in production. */
  static final String DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef";

  /** What a started node exposes to callers such as tests and the simulator. */
  public record Node(
      ActorSystem<?> system, ServerBinding binding, Catalog catalog, Metrics metrics, Auth auth) {
    public String baseUrl() {
      return "http://"
          + binding.localAddress().getHostString()
          + ":"
          + binding.localAddress().getPort();
    }
  }

  public static void main(String[] args) {
    int asyncPool = AsyncPool.ensureCommonPoolIsUsed();
    // Set by launchers that start nodes as child processes (tests, cluster-config scripts).
    if (Boolean.getBoolean("groupbuy.exit-with-parent")) ParentWatchdog.start();
    if (args.length > 0) {
      System.err.println(
          "groupbuy takes no program arguments (got "
              + List.of(args)
              + "). Pass settings as JVM "
              + "options before the main class (-Dkey=value) or in JAVA_TOOL_OPTIONS, and choose the configuration file "
              + "with GROUPBUY_CONFIG_RESOURCE (for example kubernetes.conf).");
      System.exit(2);
    }
    Config config = withEnvironment(loadConfig(System.getenv()), System.getenv());
    if (!config.getBoolean("groupbuy.cluster.bootstrap")
        && !config.getBoolean("groupbuy.cluster.join-self")
        && config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      System.err.println("Refusing to start: " + NO_WAY_TO_JOIN + ".");
      System.exit(2);
    }
    CassandraLauncher.Node cassandra = null;
    if (config.getBoolean("groupbuy.dev-cassandra.enabled")) {
      cassandra = startDevCassandra(config);
      config =
          ConfigFactory.parseString(
                  "datastax-java-driver.basic.contact-points = [\""
                      + cassandra.contactPoint()
                      + "\"]")
              .withFallback(config);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "groupbuy", config);
    GroupbuySettings settings = GroupbuySettings.from(config);
    if (asyncPool < 2) {
      system
          .log()
          .warn(
              "the common ForkJoinPool has parallelism {}: every async completion starts a thread;"
                  + " set -D{}=2 or more",
              asyncPool,
              AsyncPool.PARALLELISM);
    }
    CassandraLauncher.Node devCassandra = cassandra;
    if (devCassandra != null) {
      // On Ctrl-C the node shuts down first (leaving the cluster, finishing writes), then its
      // Cassandra.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    system.terminate();
                    try {
                      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
                    } catch (Exception timeoutOrInterrupt) {
                      // stop Cassandra anyway
                    }
                    devCassandra.close();
                  },
                  "stop-node-then-cassandra"));
    }
    CompletionStage<Node> started;
    try {
      started = init(system, settings);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete(
        (node, failure) -> {
          if (failure != null) {
            system.log().error("groupbuy node failed to start: {}", failure.toString());
            system.terminate();
            return;
          }
          if (settings.printDevTokens()) printDevTokens(node);
          if (settings.benchOrdersPersistNothing()) {
            system
                .log()
                .warn(
                    "groupbuy.bench.orders-persist-nothing is on: POST /orders persists nothing"
                        + " (benchmark mode; never in production)");
          }
          Config running = system.settings().config();
          OrderGenerator orders =
              running.getBoolean("groupbuy.sim.enabled")
                  ? OrderGenerator.startInBackground(node.baseUrl(), node.auth(), running)
                  : null;
          if (running.getBoolean("groupbuy.sim.fleet.enabled")) {
            FleetSimulator.startInBackground(
                node.baseUrl(),
                node.auth(),
                running,
                orders != null
                    ? orders::customerToken
                    : customer ->
                        node.auth().issue(customer, Auth.Role.CUSTOMER, Duration.ofDays(1)));
          }
        });
    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              if (devCassandra != null)
                devCassandra.close(); // the node stopped by itself (e.g. downed)
            });
  }

  /**
   * The configuration: {@code -Dconfig.resource}/{@code -Dconfig.file} if given (also through
   * JAVA_TOOL_OPTIONS), else the resource named by {@code GROUPBUY_CONFIG_RESOURCE}, else
   * application.conf.
   */
  static Config loadConfig(Map<String, String> env) {
    String resource = env.get("GROUPBUY_CONFIG_RESOURCE");
    boolean chosenBySystemProperty =
        System.getProperty("config.resource") != null
            || System.getProperty("config.file") != null
            || System.getProperty("config.url") != null;
    if (resource == null || resource.isBlank() || chosenBySystemProperty)
      return ConfigFactory.load();
    if (Main.class.getClassLoader().getResource(resource.strip()) == null) {
      throw new IllegalArgumentException(
          "GROUPBUY_CONFIG_RESOURCE="
              + resource
              + " is not on the classpath "
              + "(choose kubernetes.conf, local.conf or application.conf)");
    }
    return ConfigFactory.load(resource.strip());
  }

  /**
   * Applies {@code GROUPBUY_CASSANDRA_CONTACT_POINTS} (comma-separated host:port list) and {@code
   * GROUPBUY_CASSANDRA_DC}, which HOCON cannot split into a list by itself.
   */
  static Config withEnvironment(Config config, Map<String, String> env) {
    String points = env.get("GROUPBUY_CASSANDRA_CONTACT_POINTS");
    if (points != null && !points.isBlank()) {
      List<String> list =
          Arrays.stream(points.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
      config =
          config.withValue(
              "datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(list));
    }
    String dc = env.get("GROUPBUY_CASSANDRA_DC");
    if (dc != null && !dc.isBlank()) {
      config =
          config.withValue(
              "datastax-java-driver.basic.load-balancing-policy.local-datacenter",
              ConfigValueFactory.fromAnyRef(dc));
    }
    return config;
  }

  private static CassandraLauncher.Node startDevCassandra(Config config) {
    Config c = config.getConfig("groupbuy.dev-cassandra");
    Path dataDir = Path.of(c.getString("data-dir"));
    var options =
        CassandraLauncher.Options.forDataDir(dataDir, CassandraLauncher.defaultLibDir())
            .with(c.getInt("cql-port"), c.getInt("storage-port"), c.getString("heap"));
    System.out.println(
        "Starting the dev Cassandra node (data in "
            + dataDir
            + ", CQL on port "
            + options.cqlPort()
            + ") ...");
    CassandraLauncher.Node node = CassandraLauncher.start(options, false);
    System.out.printf(
        "Cassandra is up after %.1f s (pid %d, log %s)%n",
        node.startMillis() / 1000.0, node.pid(), node.logFile());
    return node;
  }

  /** Wires a node on an existing actor system; tests call it once per cluster member. */
  public static CompletionStage<Node> init(ActorSystem<?> system, GroupbuySettings settings) {
    Config config = system.settings().config();
    joinCluster(system, config);
    PekkoManagement.get(system).start();
    if (config.getBoolean("groupbuy.cluster.bootstrap")) ClusterBootstrap.get(system).start();

    if (settings.authSecret().equals(DEV_SECRET)
        && !config.getBoolean("groupbuy.auth.allow-dev-secret")) {
      throw new IllegalStateException(
          "groupbuy.auth.secret is the built-in development secret, with which anyone "
              + "can sign operator tokens: set GROUPBUY_AUTH_SECRET (or groupbuy.auth.allow-dev-secret = on for dev)");
    }
    if (settings.authSecret().contains("replace-me") || settings.authSecret().length() < 32) {
      throw new IllegalStateException(
          "groupbuy.auth.secret is a placeholder or shorter than 32 characters: create "
              + "the secret as cluster-config/kubernetes/secret.yaml says (openssl rand -hex 32)");
    }
    Metrics metrics = new Metrics();
    DeadLetterCounter.start(system, metrics);
    Auth auth =
        new Auth(
            settings.authSecret(),
            settings.authIssuer(),
            settings.authCachedTokens(),
            Clock.systemUTC());
    ShardedInventory inventory = new ShardedInventory(system, settings.askTimeout(), metrics);
    Catalog catalog = new Catalog(system, settings.defaultWarehouse());
    CostQuotes costQuotes = new CostQuotes(system);
    ShardedDispatch dispatch =
        new ShardedDispatch(
            system,
            settings.askTimeout(),
            SagaAdapters.deliveryUpdates(system, settings.askTimeout()));
    GpsGate gps =
        new GpsGate(
            GpsGate.Settings.fromConfig(config.getConfig("groupbuy.dispatch.gps")),
            metrics,
            dispatch,
            settings.askTimeout(),
            Clock.systemUTC());
    // The schema comes first: sharding's remembered-entity stores replay from the journal as soon
    // as they start.
    CompletionStage<?> schema =
        config.getBoolean("groupbuy.cassandra.create-schema")
            ? CassandraSchema.create(system)
            : CompletableFuture.completedFuture(null);
    JournalFence fence = JournalFence.get(system);
    CassandraOrderArchive orderArchive =
        new CassandraOrderArchive(
            system,
            config.getDuration("groupbuy.order.archive-ttl"),
            config.getInt("groupbuy.order.archive-shards"));
    OrderViewStore orderViews = OrderViewRebuild.store(system, "");
    return schema
        .thenCompose(
            done -> {
              fence.start();
              return orderArchive
                  .createTable()
                  .thenCompose(t -> orderViews.createTables())
                  .thenCompose(t -> CassandraProjection.createTablesIfNotExists(system));
            })
        .thenCompose(
            tableCreated -> {
              return fence.awaitWritable(config.getDuration("groupbuy.journal-fence.startup-wait"));
            })
        .thenCompose(
            writable -> {
              if (!writable) {
                system
                    .log()
                    .warn(
                        "This node may not write to the journal yet ({}); it starts anyway and refuses changes "
                            + "until it may",
                        fence.refusal().map(JournalFence.Refusal::reason).orElse("?"));
              }
              ProductInventory.init(
                  system,
                  config.getConfig("groupbuy.inventory.batch"),
                  metrics.inventoryBatchCommands::observe);
              initOrders(
                  system, config, inventory, dispatch, catalog, orderArchive, orderViews, metrics);
              Vehicle.init(
                  system,
                  Vehicle.Settings.fromConfig(config.getConfig("groupbuy.dispatch.vehicle")),
                  dispatch,
                  metrics.gpsFixToVehicleSeconds::observe,
                  Clock.systemUTC());
              DispatchRegion.init(
                  system,
                  DispatchRegion.Settings.fromConfig(config.getConfig("groupbuy.dispatch.region")),
                  dispatch,
                  GroupCommitFront.Settings.fromConfig(
                      config.getConfig("groupbuy.dispatch.region.batch")),
                  metrics.regionBatchOrders::observe);
              UserSession.init(
                  system,
                  UserSession.Settings.fromConfig(config.getConfig("groupbuy.session")),
                  GroupCommitFront.Settings.fromConfig(config.getConfig("groupbuy.session.batch")),
                  metrics.sessionBatchUploads::observe,
                  (rule, n) ->
                      metrics
                          .behaviourEvents
                          .labelValues(rule.name().toLowerCase(Locale.ROOT))
                          .inc(n));
              PurchaseOrders.init(system);
              Campaign.init(
                  system,
                  GroupCommitFront.Settings.fromConfig(config.getConfig("groupbuy.coupon.batch")),
                  n -> {});
              pollShardState(
                  system,
                  metrics,
                  List.of(
                      ProductInventory.ENTITY_KEY,
                      Order.ENTITY_KEY,
                      OrderLedger.ENTITY_KEY,
                      Vehicle.ENTITY_KEY,
                      DispatchRegion.ENTITY_KEY,
                      UserSession.ENTITY_KEY,
                      Campaign.ENTITY_KEY,
                      PurchaseOrders.ENTITY_KEY));
              return catalog.createTables().thenCompose(d -> costQuotes.createTable());
            })
        .thenCompose(
            done -> {
              Recommendations recommendations = recommendations(system, config, catalog);
              BehaviourIntake intake =
                  new BehaviourIntake(
                      system, sku -> categoryOf(catalog, sku), settings.askTimeout(), metrics);
              DemandForecasts forecasts =
                  new DemandForecasts(
                      orderViews::dailyUnits,
                      config.getInt("groupbuy.forecast.history-days"),
                      java.time.ZoneId.of(config.getString("groupbuy.time-zone")),
                      java.time.Clock.systemUTC(),
                      system
                          .dispatchers()
                          .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
              ForecastBoundsService boundsFromForecasts =
                  new ForecastBoundsService(
                      inventory,
                      forecasts,
                      catalog,
                      settings,
                      config.getDouble("groupbuy.replenishment.default-loss-rate"),
                      config.getDouble("groupbuy.replenishment.holding-share"));
              DailyBoundsRefresh.start(
                  system,
                  boundsFromForecasts,
                  catalog,
                  io.groupbuy.platform.DailyJob.Schedule.fromConfig(
                      config.getConfig("groupbuy.replenishment.refresh"),
                      java.time.ZoneId.of(config.getString("groupbuy.time-zone"))));
              java.time.ZoneId zone = java.time.ZoneId.of(config.getString("groupbuy.time-zone"));
              CutoffPurchase purchasing =
                  new CutoffPurchase(
                      system,
                      inventory,
                      forecasts,
                      orderViews::unitsBySku,
                      catalog,
                      new CutoffPurchase.Settings(
                          config.getDouble("groupbuy.purchasing.loss-rate"),
                          config.getDouble("groupbuy.purchasing.holding-share"),
                          settings.cutoffTime(),
                          zone,
                          settings.askTimeout(),
                          settings.maxReceiptQuantity()),
                      java.time.Clock.systemUTC());
              DailyPurchaseCutoff.start(
                  system,
                  purchasing,
                  catalog,
                  io.groupbuy.platform.DailyJob.Schedule.fromConfig(
                      config.getConfig("groupbuy.purchasing.cutoff"), zone));
              List<ApiDirectives> apis =
                  List.of(
                      new OrderRoutes(system, settings, catalog, dispatch, auth, metrics),
                      new DispatchRoutes(
                          dispatch,
                          gps,
                          new DriverSocket(
                              system,
                              dispatch,
                              gps,
                              metrics,
                              DriverSocket.Settings.fromConfig(
                                  config.getConfig("groupbuy.dispatch.websocket")),
                              settings.askTimeout()),
                          settings,
                          auth,
                          metrics),
                      new InventoryRoutes(inventory, settings, catalog, auth, metrics),
                      new CatalogRoutes(catalog, auth, metrics),
                      new CostRoutes(
                          costQuotes,
                          new CostForecasts(
                              costQuotes::latest,
                              config.getInt("groupbuy.costs.history-days"),
                              system
                                  .dispatchers()
                                  .lookup(
                                      org.apache.pekko.actor.typed.DispatcherSelector.blocking())),
                          catalog,
                          java.time.Clock.systemUTC(),
                          zone,
                          auth,
                          metrics),
                      new OrderViewRoutes(orderViews, forecasts, auth, metrics),
                      new ForecastBoundsRoutes(
                          boundsFromForecasts,
                          new Suggestions(inventory, catalog, settings.askTimeout()),
                          java.time.Clock.systemUTC(),
                          zone,
                          auth,
                          metrics),
                      new PurchasingRoutes(
                          purchasing,
                          new PurchaseReceiving(purchasing, inventory, catalog, settings),
                          settings.askTimeout(),
                          auth,
                          metrics),
                      new AuditRoutes(system, auth, metrics),
                      sessionRoutes(
                          system,
                          config,
                          intake,
                          settings,
                          auth,
                          metrics,
                          recommendations,
                          catalog),
                      new CouponRoutes(
                          system, settings.askTimeout(), auth, metrics, recommendations));
              OpsRoutes ops = new OpsRoutes(auth, metrics, apis);
              AllDirectives d = new AllDirectives() {};
              List<Route> routes = new ArrayList<>();
              apis.forEach(api -> routes.add(api.routes()));
              routes.add(ops.routes());
              return HttpServer.start(
                      system,
                      settings,
                      metrics,
                      d.concat(
                          routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new)))
                  .thenCompose(
                      binding ->
                          behaviourStream(system, config, intake, settings, auth)
                              .thenApply(
                                  grpc -> new Node(system, binding, catalog, metrics, auth)));
            });
  }

  /** A SKU's category ("" if it has none), empty if the catalog does not have the SKU. */
  private static CompletionStage<Optional<String>> categoryOf(Catalog catalog, String sku) {
    return catalog
        .sku(sku)
        .thenApply(found -> found.map(s -> s.category() == null ? "" : s.category()));
  }

  /** The node's recommendation models, read again every {@code reload-every}. */
  private static Recommendations recommendations(
      ActorSystem<?> system, Config config, Catalog catalog) {
    Config recommend = config.getConfig("groupbuy.recommend");
    Recommendations recommendations =
        new Recommendations(
            Path.of(recommend.getString("model-file")),
            recommend.getString("ranker-dir").isEmpty()
                ? null
                : Path.of(recommend.getString("ranker-dir")),
            catalog::knownSku);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            recommend.getDuration("reload-every"),
            recommend.getDuration("reload-every"),
            recommendations::reloadIfChanged,
            system.executionContext());
    return recommendations;
  }

  /**
   * The behaviour stream over gRPC on its own port ({@code groupbuy.session.stream.port}; -1: off),
   * as HTTP/2 with prior knowledge.
   */
  private static CompletionStage<Optional<ServerBinding>> behaviourStream(
      ActorSystem<?> system,
      Config config,
      BehaviourIntake intake,
      GroupbuySettings settings,
      Auth auth) {
    Config stream = config.getConfig("groupbuy.session.stream");
    int port = stream.getInt("port");
    if (port < 0) return CompletableFuture.completedFuture(Optional.empty());
    BehaviourStreamService service =
        new BehaviourStreamService(
            system, intake, auth, stream.getInt("max-batch"), stream.getDuration("batch-within"));
    return HttpServer.bindGrpc(
            system,
            settings.httpInterface(),
            port,
            BehaviourStreamPowerApiHandlerFactory.create(service, system))
        .thenApply(Optional::of);
  }

  private static SessionRoutes sessionRoutes(
      ActorSystem<?> system,
      Config config,
      BehaviourIntake intake,
      GroupbuySettings settings,
      Auth auth,
      Metrics metrics,
      Recommendations recommendations,
      Catalog catalog) {
    Config upload = config.getConfig("groupbuy.session.upload");
    return new SessionRoutes(
        system,
        intake,
        recommendations,
        upload.getInt("max-events"),
        upload.getBytes("body-limit"),
        settings.askTimeout(),
        auth,
        metrics,
        category ->
            catalog.skuList().stream()
                .filter(s -> category.equals(s.category()))
                .map(s -> s.sku())
                .toList());
  }

  /** Orders run in ledgers (group commit), or as entities of their own when ledgers = 0. */
  private static void initOrders(
      ActorSystem<?> system,
      Config config,
      ShardedInventory inventory,
      ShardedDispatch dispatch,
      Catalog catalog,
      OrderArchive archive,
      OrderViewStore views,
      Metrics metrics) {
    Config order = config.getConfig("groupbuy.order");
    Order.CouponGateway coupons =
        SagaAdapters.coupons(system, config.getDuration("groupbuy.ask-timeout"));
    if (order.getInt("ledgers") == 0) {
      Order.init(
          system,
          SagaAdapters.inventory(inventory),
          SagaAdapters.dispatch(dispatch, catalog, metrics),
          coupons,
          order.getDuration("passivate-when-settled-after"));
      return;
    }
    OrderLedger.init(
        system,
        OrderLedger.Settings.fromConfig(order),
        SagaAdapters.inventory(inventory),
        SagaAdapters.dispatch(dispatch, catalog, metrics),
        coupons,
        archive,
        GroupCommitFront.Settings.fromConfig(order.getConfig("batch")),
        metrics.ledgerBatchCommands::observe);
    if (config.getBoolean("groupbuy.session.order-feed.enabled")) {
      SessionOrderFeed.init(
          system,
          order.getInt("ledgers"),
          OrderViewProjection.Settings.fromConfig(order.getConfig("views")),
          sku -> categoryOf(catalog, sku).thenApply(c -> c.filter(name -> !name.isEmpty())),
          config.getDuration("groupbuy.ask-timeout"));
    }
    if (order.getBoolean("views.enabled")) {
      OrderViewProjection.init(
          system,
          order.getInt("ledgers"),
          views,
          OrderViewProjection.Settings.fromConfig(order.getConfig("views")),
          (ledger, seconds) ->
              metrics
                  .projectionLagSeconds
                  .labelValues(OrderViewProjection.NAME, ledger)
                  .set(seconds));
    }
  }

  /**
   * How the node finds its cluster: Cluster Bootstrap, the configured seed nodes, or, only in the
   * explicit single-node development mode, itself. Without any of them it refuses to start: a node
   * that joins itself by default forms a second cluster on the same journal whenever it restarts
   * without its peers.
   */
  static void joinCluster(ActorSystem<?> system, Config config) {
    boolean bootstrap = config.getBoolean("groupbuy.cluster.bootstrap");
    boolean seeds = !config.getStringList("pekko.cluster.seed-nodes").isEmpty();
    if (bootstrap || seeds)
      return; // Pekko joins the seeds by itself; bootstrap is started after management
    if (!config.getBoolean("groupbuy.cluster.join-self")) {
      throw new IllegalStateException(NO_WAY_TO_JOIN);
    }
    Cluster cluster = Cluster.get(system);
    system
        .log()
        .warn(
            "Single-node development mode (groupbuy.cluster.join-self = on): this node forms a cluster of "
                + "its own. Never use it with other nodes on the same journal.");
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
  }

  static final String NO_WAY_TO_JOIN =
      "groupbuy does not know how to find its cluster: set "
          + "pekko.cluster.seed-nodes to the members' addresses (a restarted node: the others only, as "
          + "cluster-config/run-local-cluster.sh restart does), or "
          + "groupbuy.cluster.bootstrap = on with discovery (Kubernetes: GROUPBUY_CONFIG_RESOURCE=kubernetes.conf), or, "
          + "for one node on a laptop, groupbuy.cluster.join-self = on (bin/run-dev does)";

  private static void pollShardState(
      ActorSystem<?> system, Metrics metrics, List<EntityTypeKey<?>> keys) {
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            () -> {
              for (EntityTypeKey<?> key : keys) {
                AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                        ClusterSharding.get(system).shardState(),
                        r -> new GetShardRegionState(key, r),
                        Duration.ofSeconds(5),
                        system.scheduler())
                    .thenAccept(
                        state ->
                            metrics.setShardState(
                                key.name(),
                                state.getShards().size(),
                                state.getShards().stream()
                                    .mapToInt(s -> s.getEntityIds().size())
                                    .sum()));
              }
            },
            system.executionContext());
  }

  private static void printDevTokens(Node node) {
    Duration week = Duration.ofDays(7);
    String operator = node.auth().issue("dev-operator", Auth.Role.OPERATOR, week);
    String customer = node.auth().issue("customer-1", Auth.Role.CUSTOMER, week);
    String url = node.baseUrl();
    System.out.println();
    System.out.println(
        "groupbuy is running at " + url + "  (API description: " + url + "/openapi.yaml)");
    System.out.println("Dev tokens (valid 7 days):");
    System.out.println("  export OP=" + operator);
    System.out.println("  export CUST=" + customer + "   # customer-1");
    System.out.println("Try:");
    System.out.println("  curl -s " + url + "/catalog/skus | head -c 300");
    System.out.println("  curl -s " + url + "/catalog/pickup-points | head -c 300");
    System.out.println(
        "  curl -s -H \"Authorization: Bearer $CUST\" -H 'Content-Type: application/json' -d "
            + "'{\"idempotencyKey\":\"my-first-order\",\"pickupPointId\":\"<id from pickup-points>\","
            + "\"lines\":[{\"sku\":\"<sku from skus>\",\"quantity\":2}]}' "
            + url
            + "/orders");
    System.out.println(
        "  curl -s -H \"Authorization: Bearer $OP\" " + url + "/inventory/<warehouseId>/<sku>");
    System.out.println("  curl -s " + url + "/metrics | grep groupbuy_");
    System.out.println(
        "  curl -s http://127.0.0.1:8558/ready ; curl -s http://127.0.0.1:8558/cluster/members");
    System.out.println();
  }
}
